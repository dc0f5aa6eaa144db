// The broker the end-to-end suites run on ($LAB_BROKER), and the few broker-level reads some suites make.
import { resolveBroker } from '@lab/runtime';

export const BROKER = resolveBroker();

/** Processes one system starts besides the apps and sidecars: Redis, plus Kafka when it is the broker. */
export const INFRA_PROCESSES = BROKER === 'kafka' ? 2 : 1;

export { topicLength } from '@lab/runtime';
