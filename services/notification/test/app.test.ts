import request from 'supertest';
import { buildEvent, PaymentFailed, UserRegistered } from '@lab/contracts';
import { StateConflictError } from '@lab/kit';
import { deliver as deliverTo, memoryDapr, silentLogger } from '@lab/kit/testing';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';

const s = () => createApp({ config: loadConfig({}), log: silentLogger(), dapr: memoryDapr() }).callback();
const deliver = (srv: ReturnType<typeof s>, topic: string, e: object) => deliverTo(srv, topic, e).expect(200);

describe('notification', () => {
  it('sends one message per (fact, recipient): a welcome mail by email, a failed payment by push', async () => {
    const srv = s();
    const reg = buildEvent(
      UserRegistered,
      { userId: 'u', email: 'u@x.io', name: 'Uma', registeredAt: new Date().toISOString() },
      { source: 'user' },
    );
    const failed = buildEvent(
      PaymentFailed,
      { orderId: 'o', customerId: 'c', amount: 1, reason: 'card blocked', failedAt: new Date().toISOString() },
      { source: 'payment' },
    );
    await deliver(srv, UserRegistered.topic, reg);
    await deliver(srv, UserRegistered.topic, reg);
    await deliver(srv, PaymentFailed.topic, failed);
    const mail = await request(srv).get('/notifications?recipient=u@x.io').expect(200);
    expect(mail.body.notifications).toEqual([
      expect.objectContaining({ channel: 'email', subject: 'Welcome, Uma', eventId: reg.id }),
    ]);
    const push = await request(srv).get('/notifications?recipient=c').expect(200);
    expect(push.body.notifications[0].body).toMatch(/card blocked/);
    await request(srv).get('/notifications').expect(400);
  });
});

describe('POST /sync/notifications (the synchronous chain step)', () => {
  const order = {
    orderId: 'o-1',
    customerId: 'c-1',
    items: [{ sku: 'book', quantity: 1, unitPrice: 100 }],
    totalAmount: 100,
    createdAt: new Date().toISOString(),
    deliveryId: 'd-1',
  };
  const setup = () => {
    const dapr = memoryDapr();
    const srv = createApp({ config: loadConfig({}), log: silentLogger(), dapr }).callback();
    return { dapr, srv, step: () => request(srv).post('/sync/notifications').send(order) };
  };

  it("writes the customer's three messages in one write, and a replay adds none", async () => {
    const t = setup();
    const put = jest.spyOn(t.dapr.state, 'put');
    expect((await t.step().expect(200)).body).toEqual({ sent: 3 });
    await t.step().expect(200);
    expect(put).toHaveBeenCalledTimes(1);
    const inbox = (await request(t.srv).get('/notifications?recipient=c-1').expect(200)).body.notifications;
    expect(inbox.map((n: { event: string }) => n.event)).toEqual([
      'OrderCreated',
      'PaymentCompleted',
      'DeliveryStarted',
    ]);
  });

  // A customer whose facts were being delivered by the dozen made it lose 25 in a row, and answer 500 (schemathesis).
  it('outlasts a conflict storm on a busy inbox that a single delivery would give up on', async () => {
    const t = setup();
    const put = t.dapr.state.put.bind(t.dapr.state);
    let conflicts = 60;
    t.dapr.state.put = async (key, value, opts) => {
      if (conflicts-- > 0) throw new StateConflictError(key);
      return put(key, value, opts);
    };
    await t.step().expect(200);
    expect(conflicts).toBe(-1);
  });
});
