import request from 'supertest';
import { buildEvent, PaymentCompleted, UserRegistered } from '@lab/contracts';
import { deliver as deliverTo, memoryDapr, silentLogger } from '@lab/kit/testing';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';

const s = () => createApp({ config: loadConfig({}), log: silentLogger(), dapr: memoryDapr() }).callback();
const deliver = (srv: ReturnType<typeof s>, topic: string, e: object) => deliverTo(srv, topic, e).expect(200);

describe('points', () => {
  it('grants 1000 welcome points and 1% purchase points, each once', async () => {
    const srv = s();
    const reg = buildEvent(
      UserRegistered,
      { userId: 'u', email: 'u@x.io', name: 'U', registeredAt: new Date().toISOString() },
      { source: 'user' },
    );
    const paid = buildEvent(
      PaymentCompleted,
      { orderId: 'o', paymentId: 'p', customerId: 'u', amount: 12_345, completedAt: new Date().toISOString() },
      { source: 'payment' },
    );
    for (const e of [reg, reg, paid, paid])
      await deliver(srv, e === reg ? UserRegistered.topic : PaymentCompleted.topic, e);
    const acc = await request(srv).get('/points/u').expect(200);
    expect(acc.body.balance).toBe(1000 + 123);
    expect(acc.body.grants).toHaveLength(2);
    await request(srv).get('/points/nobody').expect(404);
  });
});
