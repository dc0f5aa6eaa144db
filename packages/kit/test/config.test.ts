import { ConfigError, envReader, readBaseConfig } from '../src';

describe('envReader(env)', () => {
  it('applies defaults and parses numbers', () => {
    const r = envReader({ APP_PORT: '4000' });
    const c = readBaseConfig(r, 'svc', 3000);
    r.done();
    expect(c).toMatchObject({
      service: 'svc',
      port: 4000,
      daprHttpPort: 3500,
      pubsubName: 'pubsub',
      host: '127.0.0.1',
    });
  });

  it('lists every bad variable at once', () => {
    const r = envReader({ APP_PORT: 'eighty', DAPR_HTTP_PORT: '99999', LOG_LEVEL: 'loud' });
    readBaseConfig(r, 'svc', 3000);
    try {
      r.done();
      throw new Error('done() should have thrown');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems).toHaveLength(3);
      for (const name of ['APP_PORT', 'DAPR_HTTP_PORT', 'LOG_LEVEL']) expect((err as Error).message).toContain(name);
    }
  });

  it('reads METRICS_PORT once: unset means no metrics listener, a bad one is listed', () => {
    const none = envReader({});
    expect(readBaseConfig(none, 'svc', 3000).metricsPort).toBeUndefined();
    const set = envReader({ METRICS_PORT: '9464' });
    expect(readBaseConfig(set, 'svc', 3000).metricsPort).toBe(9464);
    const bad = envReader({ METRICS_PORT: '0' });
    readBaseConfig(bad, 'svc', 3000);
    expect(() => bad.done()).toThrow(/METRICS_PORT/);
  });

  it('reads IDLE_TRIM_MS: 10 s unless set, 0 turns trimming off, a negative one is listed', () => {
    expect(readBaseConfig(envReader({}), 'svc', 3000).idleTrimMs).toBe(10_000);
    expect(readBaseConfig(envReader({ IDLE_TRIM_MS: '0' }), 'svc', 3000).idleTrimMs).toBe(0);
    const bad = envReader({ IDLE_TRIM_MS: '-5' });
    readBaseConfig(bad, 'svc', 3000);
    expect(() => bad.done()).toThrow(/IDLE_TRIM_MS/);
  });
});
