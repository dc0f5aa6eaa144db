// Reading order's answers (parsed JSON, so unknown until checked): the fields the scenarios act on, or undefined when
// a body is not what the contracts say (a check then fails instead of the script throwing).

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** POST /orders (202, OrderAccepted) or ?flow=sync (201, OrderPlacedSync): the order's id. */
export const orderIdOf = (body: unknown) => (isRecord(body) ? text(body.orderId) : undefined);

/** GET /orders/{id} (OrderView): its status. */
export const statusOf = (body: unknown) => (isRecord(body) ? text(body.status) : undefined);

/** GET /orders?customerId (CustomerOrders): each order's status, or undefined when the body is not that shape. */
export function statusesOf(body: unknown): string[] | undefined {
  if (!isRecord(body) || !Array.isArray(body.orders)) return undefined;
  const statuses = body.orders.map(statusOf);
  return statuses.every((s): s is string => s !== undefined) ? statuses : undefined;
}

/** GET /orders/{id}/timeline (OrderTimeline): whether it holds facts and all carry one and the same trace id. */
export function oneTrace(body: unknown): boolean {
  if (!isRecord(body) || !Array.isArray(body.events) || body.events.length === 0) return false;
  const ids = new Set(body.events.map(e => (isRecord(e) ? text(e.traceId) : undefined)));
  return ids.size === 1 && !ids.has(undefined);
}
