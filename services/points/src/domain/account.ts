// A points account: a balance and the grants that made it, each granted once per fact.
export interface Grant {
  eventId: string;
  points: number;
  reason: string;
  at: string;
}

export interface Account {
  userId: string;
  balance: number;
  /** Newest grants; their event ids make granting idempotent within this window. */
  grants: Grant[];
}

export const WELCOME_POINTS = 1000;
/** Purchase points: 1% of the amount paid, rounded down. */
export const purchasePoints = (amount: number) => Math.floor(amount / 100);
export const GRANTS_KEPT = 1000;

export function grant(acc: Account | undefined, userId: string, g: Grant): Account | undefined {
  const cur = acc ?? { userId, balance: 0, grants: [] };
  if (cur.grants.some(x => x.eventId === g.eventId)) return undefined;
  const grants = [...cur.grants, g];
  return { ...cur, balance: cur.balance + g.points, grants: grants.slice(-GRANTS_KEPT) };
}
