// A payment: one per order, decided once, remembered with the fact that announces it.
import type { CloudEvent } from '@lab/contracts';

export interface Payment {
  orderId: string;
  paymentId: string;
  customerId: string;
  amount: number;
  status: 'COMPLETED' | 'FAILED';
  reason?: string;
  authorizationId?: string;
  decidedAt: string;
  /** The fact announcing the decision; re-published unchanged (same id) on redelivery. */
  event: CloudEvent;
}

/** What the gateway answers (the part payment relies on). */
export interface GatewayAnswer {
  authorizationId: string;
  approved: boolean;
  /** The amount the gateway authorised (its idempotency key is the order id: a first request's amount sticks). */
  amount?: number;
  reason?: string;
}

export type Decision =
  | { approved: true; authorizationId: string }
  | { approved: false; reason: string; /** The gateway could not answer: worth asking again. */ transient?: true };

/**
 * Turns the gateway's answer (or its absence) into a decision. Only a real answer (200 with `approved: false`) is
 * a decline; no answer, a 5xx, and any other status (401/403 from a token or policy problem, 404, 409, 429 rate
 * limiting) are ours or the gateway's trouble, not the customer's: a transient decline, asked again.
 * An approval of another amount than the order's total is no approval.
 */
export function decisionFrom(status: number | undefined, body: unknown, amount?: number): Decision {
  if (status === undefined) return { approved: false, reason: 'payment gateway unreachable', transient: true };
  if (status >= 500)
    return { approved: false, reason: `payment gateway unavailable (HTTP ${status})`, transient: true };
  if (status !== 200)
    return { approved: false, reason: `payment gateway refused the request (HTTP ${status})`, transient: true };
  const a = body as GatewayAnswer;
  if (a.approved && amount !== undefined && typeof a.amount === 'number' && a.amount !== amount) {
    return { approved: false, reason: `the gateway authorised ${a.amount}, not the order's total ${amount}` };
  }
  if (a.approved) return { approved: true, authorizationId: a.authorizationId };
  return { approved: false, reason: `declined: ${a.reason ?? 'no reason given'}` };
}

/**
 * Whether to settle for a transient decline: only once the order has waited `deadlineMs` since it was placed.
 * Before that, the event is redelivered (daprd's backoff) and the gateway asked again.
 */
export function settleNow(d: Decision, orderCreatedAt: string, now: Date, deadlineMs: number): boolean {
  if (d.approved || !d.transient) return true;
  const placed = Date.parse(orderCreatedAt);
  return Number.isNaN(placed) || now.getTime() - placed >= deadlineMs;
}
