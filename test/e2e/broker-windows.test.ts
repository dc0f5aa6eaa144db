// The broker's own windows (docs/brokers.md "Backlog and retention"): how far a consumer may fall behind and lose
// nothing. Redis trims a stream regardless of consumer groups, so the bound is stated and pinned here.
import { randomUUID } from 'node:crypto';
import type { LocalSystem } from '@lab/runtime';
import { RespClient } from '../../packages/runtime/src/bench/resp';
import { BROKER } from './broker';
import { publishVia, startSystem } from './helpers';

let system: LocalSystem;

const redisOnly = BROKER === 'redis' ? describe : describe.skip;

redisOnly('retention on Redis Streams', () => {
  beforeAll(async () => {
    system = await startSystem({ services: ['order'] });
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('an event under 110,000 newer ones on its stream is still there for a lagging consumer (trimmed by age, 24 h, not by count)', async () => {
    const topic = `retention-probe-${Date.now()}`;
    const probe = (id: string) => ({
      specversion: '1.0',
      id,
      source: 'broker-windows-test',
      type: 'lab.retention.probe.v1',
      datacontenttype: 'application/json',
      data: { id },
    });
    const first = `first-${randomUUID()}`;
    await publishVia(system, 'order', topic, probe(first));
    // 110,000 newer entries, straight into the stream (daprd would take minutes); none of them trims anything.
    const redis = await RespClient.open(system.redisPort);
    try {
      const N = 110_000;
      for (let i = 0; i < N; i += 5000) {
        await Promise.all(
          Array.from({ length: Math.min(5000, N - i) }, () =>
            redis.command('XADD', topic, '*', 'data', '{}', 'metadata', '{}'),
          ),
        );
      }
      // The next publish through daprd applies the component's trimming, as every publish does.
      await publishVia(system, 'order', topic, probe(`last-${randomUUID()}`));
      const length = await redis.command('XLEN', topic);
      const head = JSON.stringify(await redis.command('XRANGE', topic, '-', '+', 'COUNT', '1'));
      process.stdout.write(`stream ${topic}: ${String(length)} entries after the trimming publish\n`);
      expect(length).toBe(N + 2);
      expect(head).toContain(first);
    } finally {
      redis.close();
    }
  });
});
