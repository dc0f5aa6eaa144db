// Events can arrive out of order: delivery dispatches once it has seen both OrderCreated and PaymentCompleted,
// whichever came first; order parks facts that overtake its own OrderCreated. Only delivery and order run here,
// so the test controls exactly what they receive.
import { randomUUID } from 'node:crypto';
import { buildEvent, DeliveryStarted, OrderCancelled, OrderCreated, PaymentCompleted } from '@lab/contracts';
import { waitFor, type LocalSystem } from '@lab/runtime';
import { topicLength } from './broker';
import { eventually, http, publishVia, startSystem } from './helpers';

let system: LocalSystem;

beforeAll(async () => {
  system = await startSystem({ services: ['delivery', 'order'] });
});

afterAll(async () => {
  await system?.stop();
});

const created = (orderId: string) =>
  buildEvent(
    OrderCreated,
    {
      orderId,
      customerId: 'c-ooo',
      items: [{ sku: 'a', quantity: 1, unitPrice: 10 }],
      totalAmount: 10,
      createdAt: new Date().toISOString(),
    },
    { source: 'order' },
  );
const paid = (orderId: string) =>
  buildEvent(
    PaymentCompleted,
    { orderId, paymentId: 'p', customerId: 'c-ooo', amount: 10, completedAt: new Date().toISOString() },
    { source: 'payment' },
  );
const shipment = (id: string) => `${system.url('delivery')}/deliveries/${id}`;

describe('delivery with facts in either order', () => {
  it('PaymentCompleted before OrderCreated: waits, then dispatches once', async () => {
    const id = randomUUID();
    await publishVia(system, 'delivery', PaymentCompleted.topic, paid(id));
    await eventually(
      shipment(id),
      b => b.status === 'AWAITING_ORDER' && b.paid === true,
      'a paid shipment awaiting its order',
    );
    await publishVia(system, 'delivery', OrderCreated.topic, created(id));
    await eventually(shipment(id), b => b.status === 'DISPATCHED', 'dispatch');
  });

  it('OrderCreated before PaymentCompleted: prepares, then dispatches once', async () => {
    const id = randomUUID();
    await publishVia(system, 'delivery', OrderCreated.topic, created(id));
    await eventually(shipment(id), b => b.status === 'PREPARING', 'preparation');
    await publishVia(system, 'delivery', PaymentCompleted.topic, paid(id));
    await eventually(shipment(id), b => b.status === 'DISPATCHED', 'dispatch');
  });

  it('OrderCancelled stops a shipment being prepared; a later payment does not dispatch it', async () => {
    const id = randomUUID();
    await publishVia(system, 'delivery', OrderCreated.topic, created(id));
    await eventually(shipment(id), b => b.status === 'PREPARING', 'preparation');
    const cancelled = buildEvent(
      OrderCancelled,
      { orderId: id, customerId: 'c-ooo', reason: 'test', cancelledAt: new Date().toISOString() },
      { source: 'order' },
    );
    await publishVia(system, 'delivery', OrderCancelled.topic, cancelled);
    await eventually(shipment(id), b => b.status === 'CANCELLED', 'cancellation');
    await publishVia(system, 'delivery', PaymentCompleted.topic, paid(id));
    // The payment is applied (recorded) but the shipment stays cancelled.
    await eventually(shipment(id), b => b.paid === true && b.status === 'CANCELLED', 'the late payment recorded');
  });

  it('exactly one DeliveryStarted per dispatched order reached the bus', async () => {
    // Two orders above were dispatched; the cancelled one was not.
    expect(await topicLength(system, 'delivery-started')).toBe(2);
    expect((await http('GET', shipment('unknown'))).status).toBe(404);
  });
});

describe('order with facts that overtake its own OrderCreated', () => {
  it('parks them (no redelivery, no backoff) and applies them once the order is recorded', async () => {
    const id = randomUUID();
    const started = buildEvent(
      DeliveryStarted,
      { orderId: id, deliveryId: `d-${id}`, customerId: 'c-ooo', startedAt: new Date().toISOString() },
      { source: 'delivery' },
    );
    const payment = paid(id);
    const admin = { authorization: `Bearer ${system.adminToken}` };
    const seen = async () =>
      ((await http('GET', `${system.url('order')}/admin/deliveries`, undefined, admin)).body ?? {}) as Record<
        string,
        { deliveries: number; redeliveries: number } | undefined
      >;
    const count = (c: Record<string, { deliveries: number } | undefined>, topic: string) => c[topic]?.deliveries ?? 0;
    const before = await seen();
    await publishVia(system, 'order', PaymentCompleted.topic, payment);
    await publishVia(system, 'order', DeliveryStarted.topic, started);
    // Both facts were handled (answered) while the order does not exist yet...
    await waitFor(
      async () => {
        const now = await seen();
        const both = ['payment-completed', 'delivery-started'].every(t => count(now, t) > count(before, t));
        return both ? true : undefined;
      },
      { timeoutMs: 15_000, what: 'order to take PaymentCompleted and DeliveryStarted' },
    );
    expect((await http('GET', `${system.url('order')}/orders/${id}`)).status).toBe(404);
    // ...and apply when it does, each exactly once.
    await publishVia(system, 'order', OrderCreated.topic, created(id));
    // delivery runs too, so it may add a DeliveryStarted of its own once it has seen OrderCreated and the payment.
    const ids = (b: { history?: { eventId: string }[] }) => (b.history ?? []).map(h => h.eventId);
    const order = await eventually(
      `${system.url('order')}/orders/${id}`,
      b => b.status === 'SHIPPED' && [payment.id, started.id].every(e => ids(b).includes(e)),
      'SHIPPED with the parked facts applied',
    );
    for (const e of [payment.id, started.id]) expect(ids(order).filter(x => x === e)).toHaveLength(1);
    const counts = await seen();
    // Not one fact was answered "retry" and redelivered while it waited for the order.
    expect(counts['payment-completed']?.redeliveries).toBe(0);
    expect(counts['delivery-started']?.redeliveries).toBe(0);
  });
});
