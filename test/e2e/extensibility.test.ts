// The lecture's extensibility claim: a subscriber started late catches up on facts published before it existed,
// and nothing in any publisher changed to make that happen.
import type { LocalSystem } from '@lab/runtime';
import { anOrder, eventually, http, startSystem, waitForOrderStatus } from './helpers';

let system: LocalSystem;

beforeAll(async () => {
  system = await startSystem({ deferred: ['stats', 'audit'] });
});

afterAll(async () => {
  await system?.stop();
});

describe('a subscriber added after the facts', () => {
  it('stats and audit, started late, count and log the backlog', async () => {
    const order = system.url('order');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await http('POST', `${order}/orders`, anOrder(`late-${i}`));
      ids.push(res.body.orderId);
    }
    await http('POST', `${system.url('user')}/users`, { email: 'late@example.com', name: 'Late' });
    for (const id of ids) await waitForOrderStatus(order, id, 'SHIPPED');

    // Nobody counted yet: stats and audit are not running.
    expect(system.service('stats').app.running).toBe(false);

    await system.startService('stats');
    await system.startService('audit');
    const stats = await eventually(
      `${system.url('stats')}/stats`,
      b => b.totals?.deliveries === 5,
      'stats to catch up on the backlog',
    );
    expect(stats.totals).toEqual({ signups: 1, orders: 5, payments: 5, deliveries: 5 });
    for (const id of ids) {
      await eventually(`${system.url('audit')}/audit?orderId=${id}`, b => b.entries?.length === 3, `audit of ${id}`);
    }
  });
});
