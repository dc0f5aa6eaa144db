// user's real answers against its declared API (packages/contracts): a drift between a schema and what the app
// sends fails here, and so does an answer with a status the document does not list.
import request from 'supertest';
import { UserRegistered, userApi } from '@lab/contracts';
import { openApiDocument, SidecarUnavailableError } from '@lab/kit';
import { declaredAnswers, deliverPublished, memoryDapr, silentLogger } from '@lab/kit/testing';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';

const ADMIN = { Authorization: 'Bearer tok' };
const { declared, unseen } = declaredAnswers(userApi);

function setup(env: Record<string, string> = { ADMIN_TOKEN: 'tok' }) {
  const dapr = memoryDapr();
  const server = createApp({ config: loadConfig(env), log: silentLogger(), dapr }).callback();
  const deliverOwn = () => deliverPublished(server, dapr.bus, UserRegistered);
  return { dapr, server, deliverOwn };
}

describe("user's answers match its OpenAPI document", () => {
  it('POST /users and GET /users/{userId}, with their error bodies', async () => {
    const t = setup();
    const signUp = (b: unknown) =>
      request(t.server)
        .post('/users')
        .send(b as object);
    const made = declared('registerUser', await signUp({ email: 'Ada@Example.com', name: ' Ada ' }));
    expect(made.status).toBe(202);
    expect(made.body.email).toBe('ada@example.com');
    await t.deliverOwn();
    declared('getUser', await request(t.server).get(`/users/${made.body.userId}`).expect(200));
    expect(declared('getUser', await request(t.server).get('/users/none')).status).toBe(404);
    expect(declared('getUser', await request(t.server).get('/users/a%20b')).status).toBe(400);
    expect(declared('registerUser', await signUp({ email: 'ada@example.com', name: 'A' })).status).toBe(409);
    expect(declared('registerUser', await signUp({ email: 'x', name: '' })).status).toBe(400);
    const raw = (text: string, type = 'application/json') =>
      request(t.server).post('/users').set('Content-Type', type).send(text);
    expect(declared('registerUser', await raw('{oops')).status).toBe(400);
    expect(declared('registerUser', await raw('hi', 'text/plain')).status).toBe(415);
    expect(
      declared('registerUser', await raw(JSON.stringify({ email: 'b@c.de', name: 'n'.repeat(70_000) }))).status,
    ).toBe(413);
    t.dapr.bus.failNext = 1;
    expect(declared('registerUser', await signUp({ email: 'b@example.com', name: 'B' })).status).toBe(500);
    t.dapr.bus.publish = async () => {
      throw new SidecarUnavailableError('daprd did not answer', 'unknown');
    };
    expect(declared('registerUser', await signUp({ email: 'c@example.com', name: 'C' })).status).toBe(503);
  });

  it("the shell's routes: health, readiness, fault knobs, deliveries, GET /openapi.json; 401 and 403", async () => {
    const t = setup({ ADMIN_TOKEN: 'tok', APP_API_TOKEN: 'app' });
    declared('healthz', await request(t.server).get('/healthz').expect(200));
    declared('readyz', await request(t.server).get('/readyz').expect(200));
    declared('getDeliveries', await request(t.server).get('/admin/deliveries').set(ADMIN).expect(200));
    declared('getFaults', await request(t.server).get('/admin/faults').set(ADMIN).expect(200));
    declared('setFaults', await request(t.server).put('/admin/faults').set(ADMIN).expect(200));
    expect(declared('getFaults', await request(t.server).get('/admin/faults')).status).toBe(401);
    expect(declared('getFaults', await request(setup({}).server).get('/admin/faults').set(ADMIN)).status).toBe(403);
    // No credential of either kind: the document is public, like the API it describes.
    const doc = declared('getOpenApi', await request(t.server).get('/openapi.json').expect(200));
    expect(doc.body).toEqual(JSON.parse(JSON.stringify(openApiDocument(userApi))));
    t.dapr.sidecarUp = false;
    expect(declared('readyz', await request(t.server).get('/readyz')).status).toBe(503);
  });

  it('parsed every answer the document declares (its errors aside) from a real one', () => {
    expect(unseen()).toEqual([]);
  });
});
