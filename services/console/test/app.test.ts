import request from 'supertest';
import { memoryDapr, silentLogger } from '@lab/kit/testing';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';

const TOKEN = 'console-test-token';
const srv = () =>
  createApp({ config: loadConfig({ ADMIN_TOKEN: TOKEN }), log: silentLogger(), dapr: memoryDapr() }).callback();

describe('console', () => {
  it('serves the page with a policy that loads nothing from elsewhere, without a token', async () => {
    const page = await request(srv()).get('/').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    await request(srv())
      .get('/console.js')
      .expect('content-type', /javascript/)
      .expect(200);
  });

  it.each(['/admin/board', '/ADMIN/board', '//admin/board', '/%61dmin/board', '/admin/stream'])(
    'refuses %s without the admin token (401 JSON)',
    async path => {
      const res = await request(srv()).get(path).expect(401);
      expect(res.body.error.code).toBe('unauthorized');
    },
  );

  it('answers the board with the token: every service of the catalog, the graph from it', async () => {
    const res = await request(srv()).get('/admin/board').set('Authorization', `Bearer ${TOKEN}`).expect(200);
    expect(res.body.services.map((s: { name: string }) => s.name)).toContain('notification');
    expect(res.body.topology.topics).toContain('order-created');
    expect(res.body.chaos).toBe(false);
  });

  it('refuses hostile input with a 4xx JSON error', async () => {
    const auth = { Authorization: `Bearer ${TOKEN}` };
    await request(srv()).post('/admin/orders').set(auth).send({ flow: 'both' }).expect(400);
    await request(srv()).post('/admin/load').set(auth).send({ count: 10_000 }).expect(400);
    await request(srv()).post('/admin/chaos/nobody/stop').set(auth).expect(404);
    const chaosOff = await request(srv()).post('/admin/chaos/order/stop').set(auth).expect(503);
    expect(chaosOff.body.error.code).toBe('downstream_unreachable');
    await request(srv()).post('/admin/chaos/order/explode').set(auth).expect(400);
  });
});
