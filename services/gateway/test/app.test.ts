import request from 'supertest';
import { memoryDapr, silentLogger } from '@lab/kit/testing';
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

describe('hostile callers (issue 13, class 2)', () => {
  const withToken = () =>
    createApp({
      config: loadConfig({ GATEWAY_LATENCY_MS: '0', APP_API_TOKEN: 'app' }),
      log: silentLogger(),
      dapr: memoryDapr(),
    }).callback();

  it('POST /authorizations needs the dapr-api-token (only a sidecar may ask), in any spelling', async () => {
    const s = withToken();
    for (const path of ['/authorizations', '/Authorizations', '//authorizations', '/%61uthorizations']) {
      const res = await request(s).post(path).send({ orderId: 'o', customerId: 'c', amount: 1 });
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
    }
    await request(s).get('/authorizations/o').expect(404); // nothing was authorised
    await request(s)
      .post('/authorizations')
      .set('dapr-api-token', 'app')
      .send({ orderId: 'o', customerId: 'c', amount: 1 })
      .expect(200);
  });

  it('refuses a second request for the same order with another amount (409), keeping the first', async () => {
    const s = setup();
    await request(s).post('/authorizations').send({ orderId: 'o', customerId: 'c', amount: 1 }).expect(200);
    const res = await request(s).post('/authorizations').send({ orderId: 'o', customerId: 'c', amount: 900_000 });
    expect(res.status).toBe(409);
    expect(res.body.error.fields[0].field).toBe('amount');
  });

  it.each([
    ['POST', '/authorizations', { orderId: 'x||y', customerId: 'c', amount: 1 }, 'orderId'],
    ['GET', '/authorizations/x%7C%7Cy', undefined, 'orderId'],
  ])('%s %s with an id daprd cannot store is 400 naming it', async (method, path, body, field) => {
    const res = await request(setup())[method.toLowerCase() as 'post'](path).send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.fields[0].field).toBe(field);
  });
});
