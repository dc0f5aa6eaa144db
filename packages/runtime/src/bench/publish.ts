// Benchmark 1: what publishing through daprd costs over writing the same payload straight to Redis (XADD).
import type { LocalSystem } from '../system';
import { atRate, saturate, type Summary } from './measure';
import { RespClient } from './resp';

export interface PublishResult {
  payloadBytes: number;
  fixedRate: { rate: number; dapr: Summary; direct: Summary };
  saturation: { concurrency: number; dapr: Summary; direct: Summary };
}

export async function benchPublish(
  system: LocalSystem,
  o: { rate: number; seconds: number; concurrency: number },
): Promise<PublishResult> {
  const s = system.service('gateway');
  const payload = JSON.stringify({
    specversion: '1.0',
    id: 'x',
    source: 'bench',
    type: 'lab.bench.v1',
    datacontenttype: 'application/json',
    data: { pad: 'p'.repeat(800) },
  });
  const url = `${s.daprUrl}/v1.0/publish/pubsub/bench-publish`;
  const headers = { 'content-type': 'application/cloudevents+json', 'dapr-api-token': system.daprApiToken };
  const viaDapr = async (i: number) => {
    const res = await fetch(url, { method: 'POST', headers, body: payload.replace('"id":"x"', `"id":"d-${i}"`) });
    await res.arrayBuffer();
    if (res.status !== 204) throw new Error(`publish answered ${res.status}`);
  };
  const redis = await RespClient.open(system.redisPort);
  const direct = async (i: number) => {
    const r = await redis.command(
      'XADD',
      'bench-direct',
      'MAXLEN',
      '~',
      '100000',
      '*',
      'data',
      payload.replace('"id":"x"', `"id":"r-${i}"`),
      'metadata',
      '{}',
    );
    if (r instanceof Error) throw r;
  };
  // Warm-up: connections, JIT, the stream's first allocation.
  await saturate(4, 1, viaDapr);
  await saturate(4, 1, direct);
  const fixedRate = {
    rate: o.rate,
    dapr: await atRate(o.rate, o.seconds, viaDapr),
    direct: await atRate(o.rate, o.seconds, direct),
  };
  const saturation = {
    concurrency: o.concurrency,
    dapr: await saturate(o.concurrency, o.seconds, viaDapr),
    direct: await saturate(o.concurrency, o.seconds, direct),
  };
  redis.close();
  return { payloadBytes: Buffer.byteLength(payload), fixedRate, saturation };
}
