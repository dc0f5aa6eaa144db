// The "straight to the broker" baselines: what a Node process does without daprd, on the broker the run uses.
// Redis: XADD on one pipelined connection, read back by a blocking XREADGROUP loop. Kafka: kafkajs with the same
// producer settings as the Dapr component (acks from every in-sync replica, one record per request, no
// compression), read back by a kafkajs consumer group.
import { kafkaClient } from '@lab/runtime';
import type { LocalSystem } from '@lab/runtime';
import { redisConnection } from '@lab/runtime';

export interface DirectProducer {
  /** What the report calls this baseline. */
  readonly label: string;
  send(topic: string, value: string): Promise<void>;
  close(): Promise<void>;
}

export interface DirectConsumer {
  close(): Promise<void>;
}

export async function directProducer(system: LocalSystem): Promise<DirectProducer> {
  if (system.broker === 'kafka') {
    const producer = kafkaClient(system.kafkaBrokers, { clientId: 'bench-direct' }).producer();
    await producer.connect();
    return {
      label: 'kafkajs `send` (acks=all, one record per request)',
      async send(topic, value) {
        await producer.send({ topic, acks: -1, messages: [{ value }] });
      },
      close: () => producer.disconnect(),
    };
  }
  const redis = await redisConnection(system.redisPort, system.redisPassword);
  return {
    label: '`XADD` on one pipelined connection',
    async send(topic, value) {
      await redis.command('XADD', topic, 'MAXLEN', '~', '100000', '*', 'data', value, 'metadata', '{}');
    },
    close: () => redis.close(),
  };
}

/** Creates `topics` up front (Kafka), so neither path pays for topic creation inside the measurement. */
export async function prepareTopics(system: LocalSystem, topics: string[]): Promise<void> {
  if (system.broker !== 'kafka') return;
  const admin = kafkaClient(system.kafkaBrokers).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter(t => !existing.has(t));
    // Four partitions, as the broker creates them on first use (tools/runtime/src/kafka.ts).
    if (missing.length) await admin.createTopics({ topics: missing.map(topic => ({ topic, numPartitions: 4 })) });
  } finally {
    await admin.disconnect();
  }
}

/** Calls `onValue` with each record's value as a Node consumer reading `topic` itself receives it. */
export async function directConsumer(
  system: LocalSystem,
  topic: string,
  onValue: (value: string) => void,
): Promise<DirectConsumer> {
  if (system.broker === 'kafka') {
    // The Dapr component's consumer waits at most 500 ms for a fetch (Sarama's default) and works its partitions
    // in parallel; so does this one. (kafkajs' fetch loop still adds some 10-20 ms per record at a few hundred
    // records/s here, whatever the wait: docs/performance.md shows it.)
    const consumer = kafkaClient(system.kafkaBrokers, { clientId: 'bench-direct' }).consumer({
      groupId: 'bench-direct',
      maxWaitTimeInMs: 500,
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: 4,
      eachMessage: async ({ message }) => onValue(message.value?.toString() ?? ''),
    });
    return { close: () => consumer.disconnect() };
  }
  const writer = await redisConnection(system.redisPort, system.redisPassword);
  const reader = await redisConnection(system.redisPort, system.redisPassword);
  await writer.command('XGROUP', 'CREATE', topic, 'g', '$', 'MKSTREAM');
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
        topic,
        '>',
      );
      if (!Array.isArray(r)) continue;
      for (const [, entries] of r as [string, [string, string[]][]][]) {
        for (const [id, fields] of entries) {
          onValue(fields[fields.indexOf('data') + 1] ?? '');
          void writer.command('XACK', topic, 'g', id).catch(() => {});
        }
      }
    }
  })();
  return {
    async close() {
      reading = false;
      await loop;
      await Promise.all([writer.close(), reader.close()]);
    },
  };
}
