// The gateway's rules. Declines are deterministic so tests and demos can trigger them on purpose.
import { z } from 'zod';
import { Id, MAX_ORDER_TOTAL } from '@lab/contracts';

export const AuthorizeRequest = z.strictObject({
  /** The idempotency key: one authorisation per order, however often it is asked. */
  orderId: Id,
  customerId: Id,
  amount: z.number().int().nonnegative().max(MAX_ORDER_TOTAL),
});
export type AuthorizeRequest = z.infer<typeof AuthorizeRequest>;

export interface Authorization {
  authorizationId: string;
  orderId: string;
  amount: number;
  approved: boolean;
  reason?: string;
  at: string;
}

/** Amounts above this are declined. */
export const AMOUNT_LIMIT = 1_000_000;
/** Customers whose id starts with this have a blocked card. */
export const BLOCKED_PREFIX = 'blocked-';

export function decide(req: AuthorizeRequest): { approved: true } | { approved: false; reason: string } {
  if (req.amount > AMOUNT_LIMIT)
    return { approved: false, reason: `amount ${req.amount} exceeds the limit of ${AMOUNT_LIMIT}` };
  if (req.customerId.startsWith(BLOCKED_PREFIX)) return { approved: false, reason: 'card blocked' };
  return { approved: true };
}
