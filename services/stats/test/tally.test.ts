import request from 'supertest';
import { buildEvent, OrderCreated, PaymentCompleted, type EventContract } from '@lab/contracts';
import { deliver as deliverTo, memoryDapr, silentLogger } from '@lab/kit/testing';
import { createApp, MAX_TALLY_IDS } from '../src/app';
import { loadConfig } from '../src/config';

const ADMIN = { Authorization: 'Bearer tok' };
const TOKEN = { 'dapr-api-token': 'app' };

function setup() {
  const server = createApp({
    config: loadConfig({ ADMIN_TOKEN: 'tok', APP_API_TOKEN: 'app' }),
    log: silentLogger(),
    dapr: memoryDapr(),
  }).callback();
  const deliver = (contract: EventContract, data: object, id: string) =>
    deliverTo(server, contract, buildEvent(contract, data, { source: 'test', id }), {
      appToken: TOKEN['dapr-api-token'],
    }).expect(200);
  const tally = (body: unknown) =>
    request(server)
      .post('/admin/tally')
      .set(ADMIN)
      .send(body as object);
  return { server, deliver, tally };
}

describe('POST /admin/tally: which facts stats counted', () => {
  it('tells counted from not counted, per kind', async () => {
    const t = setup();
    const at = '2026-01-01T00:00:00.000Z';
    const order = { orderId: 'o-1', customerId: 'c-1', items: [{ sku: 'book', quantity: 1, unitPrice: 100 }] };
    await t.deliver(OrderCreated, { ...order, totalAmount: 100, createdAt: at }, 'e-1');
    const paid = { orderId: 'o-1', paymentId: 'p', customerId: 'c-1', amount: 100, completedAt: at };
    await t.deliver(PaymentCompleted, paid, 'p-1');
    const res = await t.tally({ orders: ['e-1', 'e-2'], payments: ['p-1'] }).expect(200);
    expect(res.body).toEqual({
      orders: { counted: ['e-1'], notCounted: ['e-2'], unknown: [] },
      payments: { counted: ['p-1'], notCounted: [], unknown: [] },
    });
  });

  it('needs the admin token; refuses unknown kinds, bad ids and too many ids with 400', async () => {
    const t = setup();
    await request(t.server).post('/admin/tally').send({ orders: [] }).expect(401);
    for (const body of [
      { refunds: ['x'] },
      { orders: ['a||b'] },
      { orders: 'e-1' },
      { orders: Array.from({ length: MAX_TALLY_IDS + 1 }, (_, i) => `e${i}`) },
    ]) {
      const res = await t.tally(body).expect(400);
      expect(res.body.error).toBeDefined();
    }
  });
});
