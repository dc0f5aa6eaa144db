// A payment: one per order, decided once, remembered with the fact that announces it.
import type { CloudEvent } from '@lab/contracts';

export interface Payment {
  orderId: string;
  paymentId: string;
  amount: number;
  status: 'COMPLETED' | 'FAILED';
  reason?: string;
  decidedAt: string;
  /** The fact announcing the decision; re-published unchanged (same id) on redelivery. */
  event: CloudEvent;
}

/** Charges above this amount are declined: a deterministic rule tests and demos rely on. */
export const AMOUNT_LIMIT = 1_000_000;

export type Decision = { approved: true } | { approved: false; reason: string };

export function decide(amount: number): Decision {
  if (amount > AMOUNT_LIMIT)
    return { approved: false, reason: `amount ${amount} exceeds the limit of ${AMOUNT_LIMIT}` };
  return { approved: true };
}
