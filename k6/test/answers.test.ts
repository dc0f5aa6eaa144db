// Reading order's answers: what the contracts say a body is gives the field; anything else gives undefined or false.
import { CustomerOrders, OrderAccepted, OrderTimeline, OrderView } from '@lab/contracts';
import { oneTrace, orderIdOf, statusesOf, statusOf } from '../lib/answers.ts';

const at = '2026-12-03T00:00:00.000Z';
const order = (orderId: string, status: 'PENDING' | 'SHIPPED') =>
  OrderView.parse({
    orderId,
    customerId: 'c-1',
    items: [{ sku: 'book', quantity: 1, unitPrice: 1200 }],
    totalAmount: 1200,
    status,
    createdAt: at,
    updatedAt: at,
    traceparent: '',
    history: [{ event: 'OrderCreated', eventId: 'e-1', status: 'PENDING', at }],
  });
const fact = (traceId?: string) => ({
  event: 'OrderCreated',
  eventId: 'e',
  service: 'order',
  traceId,
  at,
  sincePlacedMs: 0,
});

describe('answers', () => {
  it('the order id of an OrderAccepted, the status of an OrderView', () => {
    expect(orderIdOf(OrderAccepted.parse({ orderId: 'o-1', status: 'PENDING' }))).toBe('o-1');
    expect(statusOf(order('o-1', 'SHIPPED'))).toBe('SHIPPED');
    for (const bad of [undefined, null, 'o-1', [], { orderId: 7 }]) expect(orderIdOf(bad)).toBeUndefined();
  });

  it("a customer's statuses, or undefined when one order is not an order", () => {
    const list = CustomerOrders.parse({ customerId: 'c-1', orders: [order('a', 'SHIPPED'), order('b', 'PENDING')] });
    expect(statusesOf(list)).toEqual(['SHIPPED', 'PENDING']);
    expect(statusesOf(CustomerOrders.parse({ customerId: 'c-1', orders: [] }))).toEqual([]);
    expect(statusesOf({ orders: [{ status: 'SHIPPED' }, {}] })).toBeUndefined();
    expect(statusesOf({ error: 'x' })).toBeUndefined();
  });

  it('a timeline is one trace when every fact carries the same trace id', () => {
    const timeline = (events: ReturnType<typeof fact>[]) =>
      OrderTimeline.parse({ orderId: 'o-1', status: 'SHIPPED', events });
    expect(oneTrace(timeline([fact('t1'), fact('t1')]))).toBe(true);
    expect(oneTrace(timeline([fact('t1'), fact('t2')]))).toBe(false);
    expect(oneTrace(timeline([fact('t1'), fact()]))).toBe(false);
    expect(oneTrace(timeline([]))).toBe(false);
    expect(oneTrace('not json')).toBe(false);
  });
});
