import request from 'supertest';
import { buildEvent, OrderCreated, PaymentCompleted, PaymentFailed } from '@lab/contracts';
import { memoryDapr, silentLogger } from '@lab/kit';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { AMOUNT_LIMIT } from '../src/domain/payment';

function setup() {
  const dapr = memoryDapr();
  const server = createApp({ config: loadConfig({}), log: silentLogger(), dapr }).callback();
  return { dapr, server };
}

const created = (orderId: string, totalAmount: number) =>
  buildEvent(
    OrderCreated,
    {
      orderId,
      customerId: 'c-1',
      items: [{ sku: 'a', quantity: 1, unitPrice: totalAmount }],
      totalAmount,
      createdAt: new Date().toISOString(),
    },
    { source: 'order' },
  );

const deliver = (server: ReturnType<typeof setup>['server'], event: object) =>
  request(server)
    .post('/events/order-created')
    .set('Content-Type', 'application/cloudevents+json')
    .send(JSON.stringify(event));

describe('OrderCreated subscription', () => {
  it('charges and publishes PaymentCompleted', async () => {
    const { dapr, server } = setup();
    const res = await deliver(server, created('o-1', 5000)).expect(200);
    expect(res.body.status).toBe('SUCCESS');
    const [event] = dapr.bus.of(PaymentCompleted.topic);
    expect(event?.data).toMatchObject({ orderId: 'o-1', amount: 5000, customerId: 'c-1' });
    expect((await request(server).get('/payments/o-1').expect(200)).body.status).toBe('COMPLETED');
  });

  it(`declines above ${AMOUNT_LIMIT} with PaymentFailed and a reason`, async () => {
    const { dapr, server } = setup();
    await deliver(server, created('o-2', AMOUNT_LIMIT + 1)).expect(200);
    expect(dapr.bus.of(PaymentCompleted.topic)).toHaveLength(0);
    expect(dapr.bus.of(PaymentFailed.topic)[0]?.data).toMatchObject({
      orderId: 'o-2',
      reason: expect.stringMatching(/limit/),
    });
  });

  it('charges once per order: a redelivery re-announces the same event id', async () => {
    const { dapr, server } = setup();
    const event = created('o-3', 100);
    await deliver(server, event).expect(200);
    await deliver(server, event).expect(200);
    await deliver(server, created('o-3', 100)).expect(200); // a second OrderCreated for the same order
    const published = dapr.bus.of(PaymentCompleted.topic);
    expect(new Set(published.map(e => e.id)).size).toBe(1);
    expect(dapr.state.keys().filter(k => k.startsWith('payment:'))).toEqual(['payment:o-3']);
  });

  it('asks for redelivery when the announcement cannot be published, and keeps one decision', async () => {
    const { dapr, server } = setup();
    dapr.bus.failNext = 1;
    const event = created('o-4', 100);
    expect((await deliver(server, event)).status).toBe(500);
    await deliver(server, event).expect(200);
    expect(dapr.bus.of(PaymentCompleted.topic)).toHaveLength(1);
  });

  it('drops an event of another type', async () => {
    const { server } = setup();
    const res = await deliver(server, { ...created('o-5', 1), type: 'something.else' }).expect(200);
    expect(res.body.status).toBe('DROP');
  });

  it('GET /payments/:orderId is 404 for an unknown order', async () => {
    const { server } = setup();
    await request(server).get('/payments/none').expect(404);
  });
});
