// How an event contract is declared: one object per fact, the only place its topic and type live.
import type { z } from 'zod';

export interface EventContract<S extends z.ZodType = z.ZodType, N extends string = string> {
  /** The fact's name, past tense, PascalCase (e.g. `OrderCreated`); a literal type, so code can switch on it. */
  readonly name: N;
  /** Broker topic (Redis stream key, Kafka topic). */
  readonly topic: string;
  /** CloudEvent `type`, versioned: a breaking change is a new type and a new topic. */
  readonly type: string;
  readonly description: string;
  readonly schema: S;
  /** Business key that orders this event's stream (Kafka partition key). */
  readonly key: (data: z.infer<S>) => string;
}

export type EventData<C extends EventContract> = z.infer<C['schema']>;

export function defineEvent<S extends z.ZodType, const N extends string>(
  contract: EventContract<S, N>,
): EventContract<S, N> {
  if (!/^[a-z][a-z0-9-]*$/.test(contract.topic)) {
    throw new Error(`topic "${contract.topic}" must be kebab-case`);
  }
  return Object.freeze(contract);
}
