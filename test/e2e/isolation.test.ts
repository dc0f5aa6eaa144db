// The lecture's central claim, as a test: the same flow built as a synchronous chain fails with its weakest link,
// while the event flow keeps accepting orders and converges once the link is back.
import type { LocalSystem } from '@lab/runtime';
import { anOrder, eventually, http, SHIPPED_FACTS, startSystem, waitForOrderStatus } from './helpers';

let system: LocalSystem;
let order: string;

beforeAll(async () => {
  system = await startSystem();
  order = system.url('order');
});

afterAll(async () => {
  await system?.stop();
});

const inboxOf = (customer: string) => `${system.url('notification')}/notifications?recipient=${customer}`;

describe('the same flow, synchronous chain versus events', () => {
  it('with everything healthy, both end in the same state', async () => {
    const sync = await http('POST', `${order}/orders?flow=sync`, anOrder('iso-sync'));
    expect(sync.status).toBe(201);
    expect(sync.body).toMatchObject({ status: 'SHIPPED', flow: 'sync' });
    const evt = await http('POST', `${order}/orders`, anOrder('iso-event'));
    expect(evt.status).toBe(202);
    const a = (await http('GET', `${order}/orders/${sync.body.orderId}`)).body;
    const b = await waitForOrderStatus(order, evt.body.orderId, 'SHIPPED', 15_000, SHIPPED_FACTS);
    const events = (o: { history: { event: string }[] }) => o.history.map(h => h.event).sort();
    expect(events(a)).toEqual(events(b));
    for (const id of [sync.body.orderId, evt.body.orderId]) {
      expect((await http('GET', `${system.url('payment')}/payments/${id}`)).body.status).toBe('COMPLETED');
      expect((await http('GET', `${system.url('delivery')}/deliveries/${id}`)).body.status).toBe('DISPATCHED');
    }
    const told = async (c: string) =>
      (await eventually(inboxOf(c), x => x.notifications?.length === 3, `3 messages to ${c}`)).notifications
        .map((n: { event: string }) => n.event)
        .sort();
    expect(await told('iso-sync')).toEqual(await told('iso-event'));
  });

  it('with notification down, the chain fails every order while the event flow accepts all and converges later', async () => {
    await system.stopService('notification');
    const sync = await Promise.all(
      Array.from({ length: 5 }, (_, i) => http('POST', `${order}/orders?flow=sync`, anOrder(`down-sync-${i}`))),
    );
    const evt = await Promise.all(
      Array.from({ length: 5 }, (_, i) => http('POST', `${order}/orders`, anOrder(`down-event-${i}`))),
    );
    // The cascade: the last link's failure is the caller's failure.
    expect(sync.map(r => r.status)).toEqual([502, 502, 502, 502, 502]);
    expect(sync[0]!.body.error.message).toMatch(/^notification: /);
    // Isolation: the publisher did not notice.
    expect(evt.map(r => r.status)).toEqual([202, 202, 202, 202, 202]);
    for (const r of evt) await waitForOrderStatus(order, r.body.orderId, 'SHIPPED');

    await system.startService('notification');
    for (let i = 0; i < 5; i++) {
      await eventually(
        inboxOf(`down-event-${i}`),
        x => x.notifications?.length === 3,
        `the backlog for down-event-${i}`,
      );
    }
  });
});
