// The walking skeleton through real daprd and Redis: POST /orders -> OrderCreated -> payment -> PaymentCompleted -> PAID.
import type { LocalSystem } from '@lab/runtime';
import { anOrder, http, startSystem, waitForOrderStatus } from './helpers';

let system: LocalSystem;
let order: string;

beforeAll(async () => {
  system = await startSystem(10_000, { services: ['order', 'payment'] });
  order = system.url('order');
});

afterAll(async () => {
  await system?.stop();
});

describe('order -> payment -> order, through daprd and Redis', () => {
  it('answers 202 at once and the order becomes PAID', async () => {
    const res = await http('POST', `${order}/orders`, anOrder());
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('PENDING');
    expect(res.headers.get('location')).toBe(`/orders/${res.body.orderId}`);
    const paid = await waitForOrderStatus(order, res.body.orderId, 'PAID');
    expect(paid.history.map((h: { event: string }) => h.event)).toEqual(['OrderCreated', 'PaymentCompleted']);
    expect(paid.totalAmount).toBe(2400);
  });

  it('every order of a burst becomes PAID, each paid once', async () => {
    const ids = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const res = await http('POST', `${order}/orders`, anOrder(`c-${i}`));
        expect(res.status).toBe(202);
        return res.body.orderId as string;
      }),
    );
    for (const id of ids) await waitForOrderStatus(order, id, 'PAID');
    const payment = system.url('payment');
    for (const id of ids) {
      const p = await http('GET', `${payment}/payments/${id}`);
      expect(p.body).toMatchObject({ orderId: id, status: 'COMPLETED' });
    }
  });

  it('a declined payment leaves the order PENDING (cancellation comes with the full choreography)', async () => {
    const res = await http('POST', `${order}/orders`, anOrder('c-big', 600_000));
    expect(res.status).toBe(202);
    const payment = system.url('payment');
    let decided: any;
    for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
      decided = await http('GET', `${payment}/payments/${res.body.orderId}`);
      if (decided.status === 200) break;
      await new Promise(r => setTimeout(r, 20));
    }
    expect(decided.body).toMatchObject({ status: 'FAILED', reason: expect.stringMatching(/limit/) });
    expect((await http('GET', `${order}/orders/${res.body.orderId}`)).body.status).toBe('PENDING');
  });

  it('rejects bad input with a JSON error and unknown orders with 404', async () => {
    const bad = await http('POST', `${order}/orders`, {
      customerId: 'c',
      items: [{ sku: 'x', quantity: 0, unitPrice: 1 }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0].field).toBe('items.0.quantity');
    expect((await http('GET', `${order}/orders/does-not-exist`)).status).toBe(404);
  });

  it('sidecar routes refuse callers without the app token', async () => {
    expect((await http('GET', `${order}/dapr/subscribe`)).status).toBe(401);
    const ok = await http('GET', `${order}/dapr/subscribe`, undefined, { 'dapr-api-token': system.appApiToken });
    expect(ok.body[0]).toMatchObject({ topic: 'payment-completed', deadLetterTopic: 'dead-letters' });
  });
});
