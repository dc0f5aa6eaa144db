// The whole choreography on real daprd and Redis: orders, payments, deliveries, sign-ups, and what follows them.
import type { LocalSystem } from '@lab/runtime';
import { anOrder, eventually, http, SHIPPED_FACTS, startSystem, waitForOrderStatus } from './helpers';

let system: LocalSystem;
let order: string;
let user: string;

beforeAll(async () => {
  system = await startSystem();
  order = system.url('order');
  user = system.url('user');
});

afterAll(async () => {
  await system?.stop();
});

const audit = (q: string) => `${system.url('audit')}/audit?${q}`;
const names = (entries: { name?: string; event?: string }[]) => entries.map(e => e.name ?? e.event).sort();

describe('an order: PENDING -> PAID -> SHIPPED', () => {
  let orderId: string;

  beforeAll(async () => {
    const res = await http('POST', `${order}/orders`, anOrder('c-happy', 50_000));
    expect(res.status).toBe(202);
    orderId = res.body.orderId;
  });

  it('is accepted at once and converges to SHIPPED with its history', async () => {
    const shipped = await waitForOrderStatus(order, orderId, 'SHIPPED', 15_000, SHIPPED_FACTS);
    expect(shipped.history.map((h: { event: string }) => h.event)).toEqual(expect.arrayContaining(SHIPPED_FACTS));
    expect(shipped.totalAmount).toBe(100_000);
  });

  it('was paid once, through the gateway, and dispatched once', async () => {
    const payment = await http('GET', `${system.url('payment')}/payments/${orderId}`);
    expect(payment.body).toMatchObject({ status: 'COMPLETED', amount: 100_000, authorizationId: expect.any(String) });
    const auth = await http('GET', `${system.url('gateway')}/authorizations/${orderId}`);
    expect(auth.body).toMatchObject({ approved: true, authorizationId: payment.body.authorizationId });
    const delivery = await http('GET', `${system.url('delivery')}/deliveries/${orderId}`);
    expect(delivery.body).toMatchObject({ status: 'DISPATCHED', prepared: true, paid: true });
  });

  it('told the customer three times, granted purchase points, counted, and audited every fact', async () => {
    await eventually(
      `${system.url('notification')}/notifications?recipient=c-happy`,
      b => b.notifications?.length === 3,
      'three notifications for c-happy',
    );
    await eventually(
      `${system.url('points')}/points/c-happy`,
      b => b.balance === 1000,
      'purchase points (1% of 100,000)',
    );
    const entries = await eventually(audit(`orderId=${orderId}`), b => b.entries?.length === 3, 'three audit entries');
    expect(names(entries.entries)).toEqual(['DeliveryStarted', 'OrderCreated', 'PaymentCompleted']);
    // stats is a consumer like audit, with its own pace: wait for it too (read once, it raced audit on Kafka).
    await eventually(`${system.url('stats')}/stats`, b => b.totals?.orders >= 1, 'stats to count the order');
  });

  it('is listed for its customer', async () => {
    const list = await http('GET', `${order}/orders?customerId=c-happy`);
    expect(list.body.orders.map((o: { orderId: string }) => o.orderId)).toEqual([orderId]);
    expect((await http('GET', `${order}/orders`)).status).toBe(400);
  });
});

describe('a declined payment: PENDING -> CANCELLED', () => {
  it('cancels the order, announces OrderCancelled, stops the delivery and tells the customer why', async () => {
    const res = await http('POST', `${order}/orders`, anOrder('c-declined', 600_000));
    const id = res.body.orderId;
    const cancelled = await waitForOrderStatus(order, id, 'CANCELLED');
    expect(cancelled.history.at(-1)).toMatchObject({ event: 'PaymentFailed', reason: expect.stringMatching(/limit/) });
    await eventually(
      audit(`orderId=${id}`),
      b => names(b.entries ?? []).includes('OrderCancelled'),
      'OrderCancelled audited',
    );
    await eventually(`${system.url('delivery')}/deliveries/${id}`, b => b.status === 'CANCELLED', 'delivery cancelled');
    const inbox = await eventually(
      `${system.url('notification')}/notifications?recipient=c-declined`,
      b => b.notifications?.some((n: { event: string }) => n.event === 'PaymentFailed'),
      'the PaymentFailed notification',
    );
    expect(inbox.notifications.find((n: { event: string }) => n.event === 'PaymentFailed').body).toMatch(/cancelled/);
  });

  it('a blocked card is declined the same way', async () => {
    const res = await http('POST', `${order}/orders`, anOrder('blocked-c1'));
    const cancelled = await waitForOrderStatus(order, res.body.orderId, 'CANCELLED');
    expect(cancelled.history.at(-1).reason).toMatch(/card blocked/);
  });
});

describe('a sign-up fans out to points, welcome mail, stats and audit', () => {
  it('POST /users answers 202; the rest follows from UserRegistered', async () => {
    const res = await http('POST', `${user}/users`, { email: 'Ada@Example.com', name: 'Ada' });
    expect(res.status).toBe(202);
    const userId = res.body.userId;
    // 202 Accepted: the account is readable once user has consumed its own UserRegistered.
    const stored = await eventually(
      `${user}/users/${userId}`,
      (_b, status) => status === 200,
      'the user to be readable',
    );
    expect(stored).toMatchObject({ email: 'ada@example.com', name: 'Ada' });
    await eventually(`${system.url('points')}/points/${userId}`, b => b.balance === 1000, 'welcome points');
    const inbox = await eventually(
      `${system.url('notification')}/notifications?recipient=ada@example.com`,
      b => b.notifications?.length === 1,
      'the welcome mail',
    );
    expect(inbox.notifications[0]).toMatchObject({ channel: 'email', subject: 'Welcome, Ada' });
    await eventually(`${system.url('stats')}/stats`, b => b.totals?.signups >= 1, 'a sign-up counted');
    await eventually(audit(`subject=${userId}`), b => b.entries?.[0]?.name === 'UserRegistered', 'sign-up audited');
  });

  it('a second sign-up with the same email (any case) is 409; bad input is 400 naming the field', async () => {
    await http('POST', `${user}/users`, { email: 'grace@example.com', name: 'Grace' });
    const dup = await http('POST', `${user}/users`, { email: 'GRACE@example.com', name: 'G' });
    expect(dup.status).toBe(409);
    const bad = await http('POST', `${user}/users`, { email: 'not-an-email', name: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['email', 'name']);
    expect((await http('GET', `${user}/users/nobody`)).status).toBe(404);
  });
});

describe('Idempotency-Key on POST /orders', () => {
  it('the same key and body return the same order; the same key with another body is 409', async () => {
    const key = { 'idempotency-key': `k-${Date.now()}` };
    const first = await http('POST', `${order}/orders`, anOrder('c-idem'), key);
    const again = await http('POST', `${order}/orders`, anOrder('c-idem'), key);
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body.orderId).toBe(first.body.orderId);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const other = await http('POST', `${order}/orders`, anOrder('c-idem', 7), key);
    expect(other.status).toBe(409);
    await waitForOrderStatus(order, first.body.orderId, 'SHIPPED');
    const list = await http('GET', `${order}/orders?customerId=c-idem`);
    expect(list.body.orders).toHaveLength(1);
    await eventually(`${system.url('points')}/points/c-idem`, b => b.grants?.length === 1, 'one purchase grant');
  });
});

describe('tracing across asynchronous hops', () => {
  it('one trace id spans the request and every event handled for the order; the timeline shows it', async () => {
    const traceId = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
    const res = await http('POST', `${order}/orders`, anOrder('c-trace'), {
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
    });
    await waitForOrderStatus(order, res.body.orderId, 'SHIPPED', 15_000, SHIPPED_FACTS);
    const entries = await eventually(
      audit(`orderId=${res.body.orderId}`),
      b => b.entries?.length === 3,
      'three audited facts',
    );
    expect(entries.entries.map((e: { traceId: string }) => e.traceId)).toEqual([traceId, traceId, traceId]);

    const timeline = await http('GET', `${order}/orders/${res.body.orderId}/timeline`);
    expect(timeline.status).toBe(200);
    expect(timeline.body.traceId).toBe(traceId);
    expect(timeline.body.events.map((e: { event: string }) => e.event)).toEqual([
      'OrderCreated',
      'PaymentCompleted',
      'DeliveryStarted',
    ]);
    expect(timeline.body.events.map((e: { service: string }) => e.service)).toEqual(['order', 'payment', 'delivery']);
    for (const e of timeline.body.events) expect(e.sincePlacedMs).toBeGreaterThanOrEqual(0);
  });

  it('a request without traceparent starts a trace that the events carry', async () => {
    const res = await http('POST', `${order}/orders`, anOrder('c-trace2'));
    const tp = res.headers.get('traceparent') ?? '';
    expect(tp).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    await waitForOrderStatus(order, res.body.orderId, 'SHIPPED', 15_000, SHIPPED_FACTS);
    const entries = await eventually(audit(`orderId=${res.body.orderId}`), b => b.entries?.length === 3, 'audited');
    expect(new Set(entries.entries.map((e: { traceId: string }) => e.traceId))).toEqual(new Set([tp.split('-')[1]]));
  });
});
