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
  reason?: string;
}

export type Decision = { approved: true; authorizationId: string } | { approved: false; reason: string };

/** Turns the gateway's answer (or its absence) into a decision: a gateway that cannot answer fails the payment. */
export function decisionFrom(status: number | undefined, body: unknown): Decision {
  if (status === undefined) return { approved: false, reason: 'payment gateway unreachable' };
  if (status !== 200) return { approved: false, reason: `payment gateway unavailable (HTTP ${status})` };
  const a = body as GatewayAnswer;
  if (a.approved) return { approved: true, authorizationId: a.authorizationId };
  return { approved: false, reason: `declined: ${a.reason ?? 'no reason given'}` };
}
