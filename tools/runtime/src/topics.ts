// How many records a topic holds, read from the broker itself: the stream length on Redis (XLEN), the sum over
// partitions of the high watermark minus the low one on Kafka. Both count what reached the bus, not what a
// subscriber consumed. Reading the broker puts no load on the apps being measured or tested.
import { redisConnection } from './redis-client';
import { kafkaClient } from './kafka';
import type { LocalSystem } from './system';

export interface TopicCounter {
  length(topic: string): Promise<number>;
  close(): Promise<void>;
}

/** One connection to the system's broker, for repeated counts (polling). */
export async function topicCounter(system: LocalSystem): Promise<TopicCounter> {
  if (system.broker === 'redis') {
    const redis = await redisConnection(system.redisPort, system.redisPassword);
    return {
      async length(topic) {
        const reply = await redis.command('XLEN', topic);
        if (typeof reply !== 'number') throw new Error(`XLEN ${topic} answered ${String(reply)}`);
        return reply;
      },
      close: () => redis.close(),
    };
  }
  const admin = kafkaClient(system.kafkaBrokers).admin();
  await admin.connect();
  return {
    async length(topic) {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    },
    close: () => admin.disconnect(),
  };
}

export async function topicLength(system: LocalSystem, topic: string): Promise<number> {
  const counter = await topicCounter(system);
  try {
    return await counter.length(topic);
  } finally {
    await counter.close();
  }
}
