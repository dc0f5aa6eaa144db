import request from 'supertest';
import { buildEvent, PaymentFailed, UserRegistered } from '@lab/contracts';
import { memoryDapr, silentLogger } from '@lab/kit';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';

const s = () => createApp({ config: loadConfig({}), log: silentLogger(), dapr: memoryDapr() }).callback();
const deliver = (srv: ReturnType<typeof s>, topic: string, e: object) =>
  request(srv)
    .post(`/events/${topic}`)
    .set('Content-Type', 'application/cloudevents+json')
    .send(JSON.stringify(e))
    .expect(200);

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
