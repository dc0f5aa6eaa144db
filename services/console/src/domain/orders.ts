// The latest orders, as the console learns them from the facts it receives (and from the synchronous chain's
// answers, which publish nothing): each with its status and its timeline of facts. Bounded on both counts.

export type OrderStatus = 'PENDING' | 'PAID' | 'SHIPPED' | 'CANCELLED';

export interface Fact {
  eventId: string;
  type: string;
  topic: string;
  /** The CloudEvent `source`: the service that published it. */
  publisher: string;
  /** The CloudEvent `time`: when it happened. */
  time: string;
  /** When the console received it. */
  receivedAt: string;
  traceId: string | null;
}

export interface BoardOrder {
  orderId: string;
  flow: 'event' | 'sync';
  status: OrderStatus;
  firstSeen: string;
  traceId: string | null;
  facts: Fact[];
}

/** Facts kept per order (an order has four or five; redeliveries are not facts). */
export const FACTS_KEPT = 20;

const STATUS_OF: Record<string, OrderStatus> = {
  OrderCreated: 'PENDING',
  PaymentCompleted: 'PAID',
  DeliveryStarted: 'SHIPPED',
  PaymentFailed: 'CANCELLED',
  OrderCancelled: 'CANCELLED',
};
/** Facts can arrive in any order: the status only moves forward (CANCELLED and SHIPPED are final). */
const RANK: Record<OrderStatus, number> = { PENDING: 0, PAID: 1, SHIPPED: 2, CANCELLED: 2 };

export class OrderBoard {
  private readonly orders = new Map<string, BoardOrder>();

  constructor(private readonly keep: number) {}

  /** Records a fact about an order; false when it was already recorded (a redelivery). */
  record(orderId: string, fact: Fact): boolean {
    const o = this.touch(orderId, fact.receivedAt, 'event');
    if (o.facts.some(f => f.eventId === fact.eventId)) return false;
    if (o.facts.length < FACTS_KEPT) o.facts.push(fact);
    o.facts.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
    o.traceId ??= fact.traceId;
    const next = STATUS_OF[fact.type];
    if (next && RANK[next] >= RANK[o.status] && o.status !== 'CANCELLED' && o.status !== 'SHIPPED') o.status = next;
    return true;
  }

  /** An order placed through the synchronous chain: its status is what order answered. */
  recordSync(orderId: string, status: string, at: string): void {
    const o = this.touch(orderId, at, 'sync');
    if (status in RANK) o.status = status as OrderStatus;
  }

  latest(): BoardOrder[] {
    return [...this.orders.values()].reverse();
  }

  get(orderId: string): BoardOrder | undefined {
    return this.orders.get(orderId);
  }

  private touch(orderId: string, at: string, flow: 'event' | 'sync'): BoardOrder {
    let o = this.orders.get(orderId);
    if (!o) {
      o = { orderId, flow, status: 'PENDING', firstSeen: at, traceId: null, facts: [] };
      this.orders.set(orderId, o);
      while (this.orders.size > this.keep) this.orders.delete(this.orders.keys().next().value!);
    }
    return o;
  }
}
