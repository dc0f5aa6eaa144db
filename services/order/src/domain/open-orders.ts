// Orders still waiting for their outcome, and when each is due to be announced again.
import type { CloudEvent } from '@lab/contracts';
//
// Every hop of the flow is at-least-once, yet an end-to-end guarantee cannot rest on every hop being perfect: a
// consumer that acknowledges an event it never handled (a bug, a bad deploy) loses it for good. order therefore
// watches its own open orders and, when one has waited too long, announces its OrderCreated again (same event
// id). Every consumer is idempotent, so the copy changes nothing where the first one arrived, and where it did not,
// the flow resumes: payment re-announces its decision, delivery its dispatch.

/**
 * Whom a re-announcement is addressed to once the order is older than FIRST_ANNOUNCEMENT_MS (contracts'
 * `announcedAgain`; younger, the copy goes to every subscriber, since the first announcement may not have reached
 * them either): the consumers of OrderCreated that move the order to its outcome. Each keeps one durable record per order (order the order, payment its decision, delivery the
 * shipment), so a late copy is a plain duplicate where the first one arrived. The side consumers (notification,
 * points, stats, audit, console) remember event ids in windows, and a copy an hour later could fall outside them:
 * they acknowledge it unhandled. What the copy makes payment or delivery announce again goes to the same audience;
 * a fact they announce for the first time goes to everyone.
 */
export const REANNOUNCED_TO = ['order', 'payment', 'delivery'] as const;

export interface OpenOrder {
  /** When the order was placed (ISO). */
  since: string;
  /** How many times it was announced again, and when last. */
  reannouncements: number;
  lastReannouncedAt?: string;
  /**
   * The OrderCreated as POST /orders published it, kept until order has recorded the order from its own event:
   * if that delivery is lost, the sweep has nothing else to announce again (the order is not stored yet).
   */
  created?: CloudEvent;
}

/** One shard of the index: open orders by id. */
export type OpenOrders = Record<string, OpenOrder>;

export interface ReannouncePolicy {
  /** An order open this long (ms) is announced again. */
  staleAfterMs: number;
  /** After this many announcements the order is left to an operator (it is listed as stuck). */
  maxReannouncements: number;
}

/**
 * When an open order is next due: `staleAfterMs` after it was placed, then twice as long after each announcement
 * (a backlog that is merely slow is not flooded with copies).
 */
export function dueAt(o: OpenOrder, p: ReannouncePolicy): number {
  const from = Date.parse(o.lastReannouncedAt ?? o.since);
  return from + p.staleAfterMs * 2 ** o.reannouncements;
}

export const isStuck = (o: OpenOrder, p: ReannouncePolicy) => o.reannouncements >= p.maxReannouncements;

/** The open orders of a shard that are due now, oldest first. */
export function dueOrders(shard: OpenOrders, now: Date, p: ReannouncePolicy): string[] {
  return Object.entries(shard)
    .filter(([, o]) => !isStuck(o, p) && dueAt(o, p) <= now.getTime())
    .sort(([, a], [, b]) => Date.parse(a.since) - Date.parse(b.since))
    .map(([id]) => id);
}
