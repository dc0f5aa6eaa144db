// "@lab/kit/testing" itself: its checks can fail, and its delivery is what daprd sends.
import Koa from 'koa';
import { orderApi, OrderCreated } from '@lab/contracts';
import { declaredAnswers, deliver, deliverPublished, MemoryBus } from '@lab/kit/testing';

function recorder(status = 200) {
  const got: { path: string; type: string | undefined; token: string | undefined; body: string }[] = [];
  const app = new Koa();
  app.use(async ctx => {
    let body = '';
    for await (const chunk of ctx.req) body += chunk;
    got.push({ path: ctx.path, type: ctx.get('content-type'), token: ctx.get('dapr-api-token') || undefined, body });
    ctx.status = status;
    ctx.body = { status: 'SUCCESS' };
  });
  return { server: app.callback(), got };
}

describe('declaredAnswers', () => {
  it('refuses a body its declared schema does not allow, and a status the document does not list', () => {
    const { declared } = declaredAnswers(orderApi);
    expect(() => declared('getOrder', { status: 200, body: { orderId: 1 } })).toThrow(/getOrder answered 200/);
    expect(() => declared('getOrder', { status: 418, body: {} })).toThrow(/does not document the status 418/);
  });

  it('lists what no test has parsed yet, and forgets none it has', () => {
    const { declared, unseen } = declaredAnswers(orderApi);
    expect(unseen()).toContain('healthz 200');
    declared('healthz', { status: 200, body: { status: 'ok', service: 'order' } });
    expect(unseen()).not.toContain('healthz 200');
  });
});

describe('deliver', () => {
  it("posts the CloudEvent to its contract's route, as daprd does, with the app token when given", async () => {
    const { server, got } = recorder();
    await deliver(server, OrderCreated, { id: 'e-1' }, { appToken: 'app' }).expect(200);
    await deliver(server, 'dead-letters', { id: 'e-2' }).expect(200);
    expect(got).toEqual([
      { path: '/events/order-created', type: 'application/cloudevents+json', token: 'app', body: '{"id":"e-1"}' },
      { path: '/events/dead-letters', type: 'application/cloudevents+json', token: undefined, body: '{"id":"e-2"}' },
    ]);
  });

  it('deliverPublished hands back what was published, in order, and fails on an answer that is not 2xx', async () => {
    const bus = new MemoryBus();
    await bus.publish(OrderCreated, { id: 'a' } as never);
    await bus.publish(OrderCreated, { id: 'b' } as never);
    const ok = recorder();
    expect((await deliverPublished(ok.server, bus, OrderCreated)).map(e => e.id)).toEqual(['a', 'b']);
    expect(ok.got.map(g => JSON.parse(g.body).id)).toEqual(['a', 'b']);
    await expect(deliverPublished(recorder(500).server, bus, OrderCreated)).rejects.toThrow(/answered 500/);
  });
});
