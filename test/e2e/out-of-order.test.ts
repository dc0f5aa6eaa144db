// Events can arrive out of order: delivery dispatches once it has seen both OrderCreated and PaymentCompleted,
// whichever came first. Only delivery runs here, so the test controls exactly what it receives.
import { randomUUID } from 'node:crypto';
import { buildEvent, OrderCancelled, OrderCreated, PaymentCompleted } from '@lab/contracts';
import type { LocalSystem } from '@lab/runtime';
import { topicLength } from './broker';
import { eventually, http, publishVia, startSystem } from './helpers';

let system: LocalSystem;

beforeAll(async () => {
  system = await startSystem({ services: ['delivery'] });
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
