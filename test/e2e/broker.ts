// The broker the end-to-end suites run on ($LAB_BROKER), and the few broker-level reads some suites make.
import { kafkaClient, redisCommand, resolveBroker, type LocalSystem } from '@lab/runtime';

export const BROKER = resolveBroker();

/** Processes one system starts besides the apps and sidecars: Redis, plus Kafka when it is the broker. */
export const INFRA_PROCESSES = BROKER === 'kafka' ? 2 : 1;

/**
 * How many records a topic holds: the stream length on Redis (XLEN), the sum over partitions of the high
 * watermark minus the low one on Kafka. Both count what reached the bus, not what a subscriber consumed.
 */
export async function topicLength(system: LocalSystem, topic: string): Promise<number> {
  if (system.broker === 'redis') {
    const reply = await redisCommand(system.redisPort, `XLEN ${topic}`);
    if (!reply.startsWith(':')) throw new Error(`XLEN ${topic} answered ${reply}`);
    return Number(reply.slice(1));
  }
  const admin = kafkaClient(system.kafkaBrokers).admin();
  try {
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}
