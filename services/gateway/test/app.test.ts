import request from 'supertest';
import { memoryDapr, silentLogger } from '@lab/kit';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { AMOUNT_LIMIT } from '../src/domain/authorize';

const setup = () =>
  createApp({ config: loadConfig({ GATEWAY_LATENCY_MS: '0' }), log: silentLogger(), dapr: memoryDapr() }).callback();

describe('POST /authorizations', () => {
  it('approves, and answers the same authorisation for the same order', async () => {
    const s = setup();
    const a = await request(s).post('/authorizations').send({ orderId: 'o', customerId: 'c', amount: 10 }).expect(200);
    expect(a.body).toMatchObject({ approved: true, orderId: 'o' });
    const b = await request(s).post('/authorizations').send({ orderId: 'o', customerId: 'c', amount: 10 }).expect(200);
    expect(b.body.authorizationId).toBe(a.body.authorizationId);
  });

  it('declines deterministically: over the amount limit, or a blocked card', async () => {
    const s = setup();
    const big = await request(s)
      .post('/authorizations')
      .send({ orderId: 'o1', customerId: 'c', amount: AMOUNT_LIMIT + 1 });
    expect(big.body).toMatchObject({ approved: false, reason: expect.stringMatching(/limit/) });
    const blocked = await request(s)
      .post('/authorizations')
      .send({ orderId: 'o2', customerId: 'blocked-1', amount: 1 });
    expect(blocked.body).toMatchObject({ approved: false, reason: 'card blocked' });
  });

  it('400 for an invalid request', async () => {
    await request(setup()).post('/authorizations').send({ orderId: '', amount: -1 }).expect(400);
  });
});
