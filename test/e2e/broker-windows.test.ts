// The broker's own windows (docs/brokers.md "Backlog and retention"): how far a consumer may fall behind and lose
// nothing. Redis trims a stream regardless of consumer groups, so the bound is stated and pinned here.
import { randomUUID } from 'node:crypto';
import { ConfigResourceTypes } from 'kafkajs';
import { kafkaClient, redisConnection, waitFor, type LocalSystem } from '@lab/runtime';
import { BROKER } from './broker';
import { http, publishVia, startSystem } from './helpers';

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
    const redis = await redisConnection(system.redisPort, system.redisPassword);
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
      await redis.close();
    }
  });
});

const kafkaOnly = BROKER === 'kafka' ? describe : describe.skip;

kafkaOnly('a failed dead-letter forward on Kafka', () => {
  let kafkaSystem: LocalSystem;
  const setDeadLetterLimit = async (bytes: string) => {
    const admin = kafkaClient(kafkaSystem.kafkaBrokers).admin();
    await admin.connect();
    try {
      await admin.alterConfigs({
        validateOnly: false,
        // Both ways out: the app's DeadLettered and its sidecar's forward to delivery's own topic.
        resources: ['dead-letters', 'dead-letters-delivery'].map(name => ({
          type: ConfigResourceTypes.TOPIC,
          name,
          configEntries: [{ name: 'max.message.bytes', value: bytes }],
        })),
      });
    } finally {
      await admin.disconnect();
    }
  };

  beforeAll(async () => {
    kafkaSystem = await startSystem();
  });

  afterAll(async () => {
    await kafkaSystem?.stop();
  });

  it('a message whose dead-letter forward fails is offered again, not skipped, and reaches the desk once the forward can succeed', async () => {
    const admin = { authorization: `Bearer ${kafkaSystem.adminToken}` };
    const delivery = kafkaSystem.url('delivery');
    const deliveries = async () =>
      ((await http('GET', `${delivery}/admin/deliveries`, undefined, admin)).body?.['order-cancelled']?.deliveries ??
        0) as number;
    // The dead-letter topics refuse every record: a contract-breaking event can be set aside neither by the app
    // (its DeadLettered) nor by daprd (the original, on delivery's forwarding topic).
    await setDeadLetterLimit('1');
    const before = await deliveries();
    const id = `poison-${randomUUID()}`;
    await publishVia(kafkaSystem, 'order', 'order-cancelled', {
      specversion: '1.0',
      id,
      source: 'broker-windows-test',
      type: 'lab.order.cancelled.v1',
      subject: 'poison',
      datacontenttype: 'application/json',
      data: { orderId: 'poison' },
    });
    // The same message keeps being offered (each offer: the app's DeadLettered refused, DROP, daprd's forward refused,
    // a retry of daprd's inbound policy). What this does not reach: the component's own retries, which begin only
    // after daprd's 21 attempts (about 3 min here) and where backOffMaxRetries decides between waiting (-1) and
    // committing past the message (the former 3). This test passes with either setting; the setting rests on
    // components-contrib's consumer.go, read, not on a test (docs/guarantees.md §9).
    await waitFor(async () => (await deliveries()) - before >= 6 || undefined, {
      timeoutMs: 120_000,
      what: 'delivery to be offered the poison event a 6th time',
      intervalMs: 500,
    });
    await setDeadLetterLimit('1048588');
    const t0 = Date.now();
    // The desk lists each dead letter under its own id; the poison event is the original inside one of them.
    const desk = `${kafkaSystem.url('audit')}/admin/dead-letters`;
    const holdsPoison = async () => {
      const list = (await http('GET', desk, undefined, admin)).body as { entries?: { id: string; topic: string }[] };
      for (const e of (list.entries ?? []).filter(x => x.topic === 'order-cancelled')) {
        if (JSON.stringify((await http('GET', `${desk}/${e.id}`, undefined, admin)).body).includes(id)) return true;
      }
      return undefined;
    };
    await waitFor(holdsPoison, { timeoutMs: 60_000, what: `the dead-letter desk to hold ${id}`, intervalMs: 500 });
    const t = Date.now() - t0;
    process.stdout.write(
      `poison event offered ${(await deliveries()) - before} times; in the desk ${t} ms after the forward could succeed\n`,
    );
  });
});
