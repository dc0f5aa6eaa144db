// The order aggregate: how an order is placed and which facts move it to which status.
import { orderTotal, type CloudEvent, type PlaceOrderRequest } from '@lab/contracts';

// The request schema is part of order's HTTP API, declared in packages/contracts.
export { PlaceOrderRequest } from '@lab/contracts';

export type OrderStatus = 'PENDING' | 'PAID' | 'SHIPPED' | 'CANCELLED';

/** Statuses no fact moves an order out of. */
export const isTerminal = (s: OrderStatus) => s === 'SHIPPED' || s === 'CANCELLED';

export interface HistoryEntry {
  /** The fact (contract name, e.g. PaymentCompleted). */
  event: 'OrderCreated' | OrderFact;
  eventId: string;
  /** Status after the fact; a late fact is recorded without moving the order. */
  status: OrderStatus;
  at: string;
  reason?: string;
}

export interface Order {
  orderId: string;
  customerId: string;
  items: PlaceOrderRequest['items'];
  totalAmount: number;
  status: OrderStatus;
  createdAt: string;
  updatedAt: string;
  traceparent: string;
  history: HistoryEntry[];
  /** OrderCancelled as published, kept so a redelivered PaymentFailed re-announces the same event. */
  cancelledEvent?: CloudEvent;
}

export const totalOf = (items: PlaceOrderRequest['items']) => orderTotal(items);

export function placeOrder(
  req: PlaceOrderRequest,
  orderId: string,
  eventId: string,
  at: string,
  traceparent: string,
): Order {
  return {
    orderId,
    customerId: req.customerId,
    items: req.items,
    totalAmount: totalOf(req.items),
    status: 'PENDING',
    createdAt: at,
    updatedAt: at,
    traceparent,
    history: [{ event: 'OrderCreated', eventId, status: 'PENDING', at }],
  };
}

/** The facts order follows, and the statuses each may move an order from. */
const transitions = {
  PaymentCompleted: { from: ['PENDING'], to: 'PAID' },
  PaymentFailed: { from: ['PENDING'], to: 'CANCELLED' },
  // Delivery starts only after payment, but the two facts travel on different topics and may arrive in either order.
  DeliveryStarted: { from: ['PENDING', 'PAID'], to: 'SHIPPED' },
} as const satisfies Record<string, { from: readonly OrderStatus[]; to: OrderStatus }>;

/** A fact that moves an order: a contract name, checked when the code is compiled, not when it runs. */
export type OrderFact = keyof typeof transitions;

export const followedFacts = Object.keys(transitions) as OrderFact[];

/** One fact as order records it: which, its event id, when order applied it, and why (PaymentFailed). */
export interface FactRecord {
  fact: OrderFact;
  eventId: string;
  at: string;
  reason?: string;
}

export type ApplyResult = { kind: 'applied'; order: Order; moved: boolean } | { kind: 'duplicate' };

/** Applies a fact once (a redelivered event id changes nothing); a fact too late to move the order is still recorded. */
export function applyFact(order: Order, { fact: event, eventId, at, reason }: FactRecord): ApplyResult {
  if (order.history.some(h => h.eventId === eventId)) return { kind: 'duplicate' };
  const rule: { from: readonly OrderStatus[]; to: OrderStatus } = transitions[event];
  const moved = rule.from.includes(order.status);
  const status = moved ? rule.to : order.status;
  const entry: HistoryEntry = { event, eventId, status, at, ...(reason ? { reason } : {}) };
  return {
    kind: 'applied',
    moved,
    order: { ...order, status, updatedAt: moved ? at : order.updatedAt, history: [...order.history, entry] },
  };
}

/**
 * A fact that reached order before order's own OrderCreated (they travel on different topics, and payment can
 * answer before order has read its own event). It is parked under the order's key, and applied when the order
 * is placed: no retry loop, no redelivery backoff added to the order's convergence.
 */
export interface ParkedFact {
  event: OrderFact;
  eventId: string;
  at: string;
  reason?: string;
}

/** What the order's key holds before OrderCreated was applied: only facts waiting for it. */
export interface ParkedFacts {
  orderId: string;
  parked: ParkedFact[];
}

export type StoredOrder = Order | ParkedFacts;

/** Parked facts kept per order: more would mean a stream of facts about an order that was never placed. */
export const MAX_PARKED = 20;

export const isPlaced = (x: StoredOrder | undefined): x is Order => x !== undefined && 'status' in x;

/** Parks a fact once per event id (undefined: already parked); the oldest go first past MAX_PARKED. */
export function park(cur: ParkedFacts | undefined, orderId: string, fact: ParkedFact): ParkedFacts | undefined {
  const parked = cur?.parked ?? [];
  if (parked.some(p => p.eventId === fact.eventId)) return undefined;
  return { orderId, parked: [...parked, fact].slice(-MAX_PARKED) };
}

/** Facts applied in the order given, each once: how parked facts meet their order, and how the sync chain records its steps. */
export function applyAll(order: Order, facts: readonly FactRecord[]): Order {
  return facts.reduce((o, f) => {
    const r = applyFact(o, f);
    return r.kind === 'applied' ? r.order : o;
  }, order);
}

/** The placed order with its parked facts applied in the order they arrived. */
export const applyParked = (order: Order, parked: readonly ParkedFact[]): Order =>
  applyAll(
    order,
    parked.map(({ event, ...p }) => ({ fact: event, ...p })),
  );
