// The metrics of one event delivery: outcome, handler time, delivery delay, redeliveries, duplicates ignored.
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  deliveryDelay,
  duplicatesIgnored,
  handled,
  handlerDuration,
  redeliveries,
  registry,
  type Outcome,
} from './metrics';

/**
 * What one delivery's state updates did. The inbox check of every consumer is updateState's mutation returning
 * undefined ("already applied"); the delivery path opens a scope, updateState reports into it (update.ts).
 */
interface Effects {
  updates: number;
  unchanged: number;
}
const scope = new AsyncLocalStorage<Effects>();

/** Runs a handler in a scope that records its state updates; `duplicate` when it made some and all changed nothing. */
export async function withEffects(fn: () => Promise<void>): Promise<{ duplicate: boolean }> {
  const effects: Effects = { updates: 0, unchanged: 0 };
  await scope.run(effects, fn);
  return { duplicate: effects.updates > 0 && effects.unchanged === effects.updates };
}

/** Called by updateState after each update, inside or outside a delivery. */
export function noteStateUpdate(changed: boolean): void {
  const effects = scope.getStore();
  if (!effects) return;
  effects.updates += 1;
  if (!changed) effects.unchanged += 1;
}

/**
 * For a handler whose inbox check is a plain read rather than updateState (it then writes nothing at all): the
 * delivery counts as a duplicate ignored, as one whose every update found its effect already there.
 */
export function noteAlreadyApplied(): void {
  noteStateUpdate(false);
}

/** Event ids remembered per topic: a redelivery comes within minutes, so the newest SEEN_KEPT are enough. */
export const SEEN_KEPT = 10_000;
const seen = new Map<string, Set<string>>();

/** Records a delivery of `eventId` on `topic` (a subscribed topic: bounded); true when this process saw it before. */
export function seenBefore(topic: string, eventId: string): boolean {
  let ids = seen.get(topic);
  if (!ids) seen.set(topic, (ids = new Set()));
  if (ids.has(eventId)) return true;
  ids.add(eventId);
  if (ids.size > SEEN_KEPT) ids.delete(ids.values().next().value as string);
  return false;
}

/** Seconds from the CloudEvent `time` to now; undefined when the event carries no readable time. */
export function delaySeconds(time: unknown, now = Date.now()): number | undefined {
  const t = typeof time === 'string' ? Date.parse(time) : NaN;
  return Number.isFinite(t) ? Math.max(0, now - t) / 1000 : undefined;
}

/** Forgets every observation and every id seen (tests, between cases); the metrics stay registered. */
export function resetMetrics(): void {
  registry.resetMetrics();
  seen.clear();
}

/**
 * The metrics of one delivery (topic is a subscribed one: bounded): a redelivery when this process saw the id
 * before, the handler's time, and at the answer its outcome and (unless it is to be retried) the delivery delay.
 */
export function deliveryMeter(topic: string, body: unknown) {
  const ce = (typeof body === 'object' && body !== null ? body : {}) as { id?: unknown; time?: unknown };
  if (typeof ce.id === 'string' && ce.id !== '' && seenBefore(topic, ce.id)) redeliveries.inc({ topic });
  return {
    async timed(fn: () => Promise<void>) {
      const stop = handlerDuration.startTimer({ topic });
      try {
        return await withEffects(fn);
      } finally {
        stop();
      }
    },
    /** The handler time of an event handled with others (a folded batch): what it waited for its answer. */
    took(seconds: number) {
      handlerDuration.observe({ topic }, seconds);
    },
    done(outcome: Outcome) {
      handled.inc({ topic, outcome });
      if (outcome === 'duplicate') duplicatesIgnored.inc({ topic });
      const delay = outcome === 'retry' ? undefined : delaySeconds(ce.time);
      if (delay !== undefined) deliveryDelay.observe({ topic }, delay);
    },
  };
}
