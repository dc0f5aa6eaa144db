// Benchmark 2: what delivery through daprd costs: publish -> daprd -> Koa subscriber, versus XADD -> a Node
// consumer reading the stream itself (XREADGROUP). Both publisher and receiver run in this process, so one clock.
import Koa from 'koa';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Server } from 'node:http';
import { REPO_ROOT } from '../catalog';
import { ManagedProcess } from '../process';
import { daprdBinary, type LocalSystem } from '../system';
import { httpStatus, waitFor } from '../wait';
import { atRate, summarize, type Summary } from './measure';
import { RespClient } from './resp';

export interface DeliveryResult {
  rate: number;
  dapr: Summary;
  direct: Summary;
}

const TOPIC = 'bench-delivery';
const nowMs = () => performance.timeOrigin + performance.now();

/** A bare Koa subscriber with its own daprd (app id bench-sub), outside the catalog. */
async function startSubscriber(system: LocalSystem, port: number, onEvent: (sentAt: number) => void) {
  const app = new Koa();
  app.use(async ctx => {
    if (ctx.path === '/dapr/subscribe') {
      ctx.body = [{ pubsubname: 'pubsub', topic: TOPIC, route: '/events' }];
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
      join(REPO_ROOT, 'components', 'pubsub', 'redis'),
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
      LAB_REDIS_PASSWORD: '',
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
  const viaDapr: number[] = [];
  const sub = await startSubscriber(system, o.port, sentAt => viaDapr.push(nowMs() - sentAt));
  const pub = `${system.service('gateway').daprUrl}/v1.0/publish/pubsub/${TOPIC}`;
  const headers = { 'content-type': 'application/json', 'dapr-api-token': system.daprApiToken };
  const publish = async () => {
    const res = await fetch(pub, {
      method: 'POST',
      headers,
      body: JSON.stringify({ sentAt: nowMs(), pad: 'p'.repeat(800) }),
    });
    await res.arrayBuffer();
  };

  // Baseline: XADD, and a consumer group read by a blocking XREADGROUP loop on its own connection.
  const direct: number[] = [];
  const writer = await RespClient.open(system.redisPort);
  const reader = await RespClient.open(system.redisPort);
  await writer.command('XGROUP', 'CREATE', 'bench-direct-delivery', 'g', '$', 'MKSTREAM');
  let reading = true;
  const loop = (async () => {
    while (reading) {
      const r = await reader.command(
        'XREADGROUP',
        'GROUP',
        'g',
        'c',
        'COUNT',
        '100',
        'BLOCK',
        '200',
        'STREAMS',
        'bench-direct-delivery',
        '>',
      );
      if (!Array.isArray(r)) continue;
      const at = nowMs();
      for (const [, entries] of r as [string, [string, string[]][]][]) {
        for (const [id, fields] of entries) {
          direct.push(at - Number(fields[1]));
          void writer.command('XACK', 'bench-direct-delivery', 'g', id);
        }
      }
    }
  })();
  const xadd = () =>
    writer.command('XADD', 'bench-direct-delivery', '*', 'sentAt', String(nowMs()), 'pad', 'p'.repeat(800));

  await atRate(o.rate, 1, publish); // warm-up
  await atRate(o.rate, 1, xadd);
  await waitFor(async () => (viaDapr.length >= o.rate && direct.length >= o.rate ? true : undefined), {
    timeoutMs: 60_000,
    what: 'the warm-up deliveries',
  });
  viaDapr.length = 0;
  direct.length = 0;
  await atRate(o.rate, o.seconds, publish);
  await atRate(o.rate, o.seconds, xadd);
  const expected = Math.round(o.rate * o.seconds);
  await waitFor(async () => (viaDapr.length >= expected && direct.length >= expected ? true : undefined), {
    timeoutMs: 60_000,
    what: `${expected} deliveries on each path (dapr ${viaDapr.length}, direct ${direct.length})`,
  });
  reading = false;
  await loop;
  writer.close();
  reader.close();
  await sub.stop();
  return { rate: o.rate, dapr: summarize(viaDapr, 0, o.seconds), direct: summarize(direct, 0, o.seconds) };
}
