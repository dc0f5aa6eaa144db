// Benchmark 2: what delivery through daprd costs: publish -> daprd -> Koa subscriber, versus the same payload
// written straight to the broker and read by a Node consumer of its own (direct.ts). Both publisher and receiver
// run in this process, so one clock.
import Koa from 'koa';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Server } from 'node:http';
import { REPO_ROOT } from '@lab/runtime';
import { ManagedProcess } from '@lab/runtime';
import { daprdBinary, type LocalSystem } from '@lab/runtime';
import { httpStatus, waitFor } from '@lab/runtime';
import { atRate, summarize, type Summary } from './measure';
import { directConsumer, directProducer, prepareTopics } from './direct';
import { send } from './client';

export interface DeliveryResult {
  rate: number;
  /** The baseline: how the direct consumer read the broker. */
  baseline: string;
  dapr: Summary;
  direct: Summary;
}

// Fresh topics for every run: no consumer group resumes from an offset (or a stream id) an earlier run left behind.
let runs = 0;
const nowMs = () => performance.timeOrigin + performance.now();

/** A bare Koa subscriber with its own daprd (app id bench-sub), outside the catalog. */
async function startSubscriber(system: LocalSystem, port: number, topic: string, onEvent: (sentAt: number) => void) {
  const app = new Koa();
  app.use(async ctx => {
    if (ctx.path === '/dapr/subscribe') {
      ctx.body = [{ pubsubname: 'pubsub', topic, route: '/events' }];
      return;
    }
    if (ctx.method !== 'POST' || ctx.path !== '/events') {
      ctx.status = 404; // /dapr/config and the like: nothing to configure
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of ctx.req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString()) as { data?: { sentAt?: number } };
    if (typeof body.data?.sentAt === 'number') onEvent(body.data.sentAt);
    ctx.body = { status: 'SUCCESS' };
  });
  const server: Server = await new Promise(r => {
    const s = app.listen(port, '127.0.0.1', () => r(s));
  });
  const http = port + 100;
  const sidecar = new ManagedProcess({
    name: 'bench-sub:dapr',
    command: daprdBinary(),
    args: [
      '--app-id',
      'bench-sub',
      '--app-port',
      String(port),
      '--dapr-http-port',
      String(http),
      '--dapr-grpc-port',
      String(port + 200),
      '--dapr-internal-grpc-port',
      String(port + 300),
      '--metrics-port',
      String(port + 400),
      '--dapr-listen-addresses',
      '127.0.0.1',
      '--resources-path',
      join(REPO_ROOT, 'components', 'common'),
      '--resources-path',
      join(REPO_ROOT, 'components', 'pubsub', system.broker),
      '--config',
      join(REPO_ROOT, 'components', 'config.yaml'),
      '--placement-host-address',
      '',
      '--scheduler-host-address',
      '',
    ],
    env: {
      ...process.env,
      LAB_REDIS_HOST: `127.0.0.1:${system.redisPort}`,
      LAB_REDIS_PASSWORD: system.redisPassword,
      LAB_KAFKA_BROKERS: system.kafkaBrokers,
      LAB_RUN_DIR: system.runDir,
    },
    cwd: system.runDir,
    logFile: join(system.runDir, 'logs', 'bench-sub.dapr.log'),
  });
  sidecar.start();
  await waitFor(async () => ((await httpStatus(`http://127.0.0.1:${http}/v1.0/healthz`)) === 204 ? true : undefined), {
    timeoutMs: 60_000,
    what: 'the benchmark subscriber sidecar',
  });
  return { stop: async () => (await sidecar.stop(), server.close()) };
}

export async function benchDelivery(
  system: LocalSystem,
  o: { rate: number; seconds: number; port: number },
): Promise<DeliveryResult> {
  runs += 1;
  const topic = `bench-delivery-${runs}`;
  const directTopic = `bench-direct-delivery-${runs}`;
  await prepareTopics(system, [topic, directTopic]);
  const viaDapr: number[] = [];
  const sub = await startSubscriber(system, o.port, topic, sentAt => viaDapr.push(nowMs() - sentAt));
  const pub = `${system.service('gateway').daprUrl}/v1.0/publish/pubsub/${topic}`;
  const headers = { 'content-type': 'application/json', 'dapr-api-token': system.daprApiToken };
  const body = () => JSON.stringify({ sentAt: nowMs(), pad: 'p'.repeat(800) });
  const publish = async () => {
    await send(pub, { method: 'POST', headers, body: body() });
  };

  // Baseline: the same payload written straight to the broker and read back by a Node consumer of its own.
  const direct: number[] = [];
  const consumer = await directConsumer(system, directTopic, value => {
    const at = nowMs();
    direct.push(at - (JSON.parse(value) as { sentAt: number }).sentAt);
  });
  const producer = await directProducer(system);
  const sendDirect = () => producer.send(directTopic, body());
  try {
    await atRate(o.rate, 1, publish); // warm-up
    await atRate(o.rate, 1, sendDirect);
    await waitFor(async () => (viaDapr.length >= o.rate && direct.length >= o.rate ? true : undefined), {
      timeoutMs: 60_000,
      what: `the warm-up deliveries (dapr ${viaDapr.length}, direct ${direct.length} of ${o.rate})`,
    });
    viaDapr.length = 0;
    direct.length = 0;
    await atRate(o.rate, o.seconds, publish);
    await atRate(o.rate, o.seconds, sendDirect);
    const expected = Math.round(o.rate * o.seconds);
    await waitFor(async () => (viaDapr.length >= expected && direct.length >= expected ? true : undefined), {
      timeoutMs: 60_000,
      what: `${expected} deliveries on each path (dapr ${viaDapr.length}, direct ${direct.length})`,
    });
    return {
      rate: o.rate,
      baseline:
        system.broker === 'kafka'
          ? 'kafkajs producer, and a kafkajs consumer group (`eachMessage`, 4 partitions at once)'
          : '`XADD`, and a blocking `XREADGROUP` loop on its own connection',
      dapr: summarize(viaDapr, 0, o.seconds),
      direct: summarize(direct, 0, o.seconds),
    };
  } finally {
    await producer.close();
    await consumer.close();
    await sub.stop();
  }
}
