// Benchmark 1: what publishing through daprd costs over writing the same payload straight to the broker.
import type { LocalSystem } from '@lab/runtime';
import { directProducer, prepareTopics } from './direct';
import { atRate, saturate, type Summary } from './measure';
import { send } from './client';

export interface PublishResult {
  payloadBytes: number;
  /** The baseline: how the same payload went straight to the broker. */
  direct: string;
  fixedRate: { rate: number; dapr: Summary; direct: Summary };
  saturation: { concurrency: number; dapr: Summary; direct: Summary };
}

const DAPR_TOPIC = 'bench-publish';
const DIRECT_TOPIC = 'bench-direct';

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
  const withId = (id: string) => payload.replace('"id":"x"', `"id":"${id}"`);
  await prepareTopics(system, [DAPR_TOPIC, DIRECT_TOPIC]);
  const url = `${s.daprUrl}/v1.0/publish/pubsub/${DAPR_TOPIC}`;
  const headers = { 'content-type': 'application/cloudevents+json', 'dapr-api-token': system.daprApiToken };
  const viaDapr = async (i: number) => {
    const res = await send(url, { method: 'POST', headers, body: withId(`d-${i}`) });
    if (res.status !== 204) throw new Error(`publish answered ${res.status}`);
  };
  const producer = await directProducer(system);
  const direct = (i: number) => producer.send(DIRECT_TOPIC, withId(`r-${i}`));
  try {
    // Warm-up: connections, JIT, the first allocation of each stream or partition.
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
    return { payloadBytes: Buffer.byteLength(payload), direct: producer.label, fixedRate, saturation };
  } finally {
    await producer.close();
  }
}
