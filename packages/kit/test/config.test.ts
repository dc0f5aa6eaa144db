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
});
