// Demo (lecture 6-2, 8): extensibility. stats and audit are not running while orders and sign-ups happen; started
// late, they catch up on the facts from the broker, and no publisher changed (or even noticed).
import { waitFor } from '@lab/runtime';
import { runDemo, type DemoContext } from './harness';
import { anOrder, postJson } from './load';
import { getJson } from './observe';

async function run({ system, short, say }: DemoContext) {
  const order = system.url('order');
  const [orders, users] = short ? [5, 2] : [30, 10];
  say(`Lecture 6-2: "a new service needs no change to existing ones: only a subscription".`);
  say(`stats and audit are not running. ${orders} orders and ${users} sign-ups happen without them.`);
  const ids: string[] = [];
  for (let i = 0; i < orders; i++) {
    const r = await postJson(`${order}/orders`, anOrder(`late-${i}`));
    if (r.status === 202) ids.push(String(r.body?.orderId));
  }
  for (let i = 0; i < users; i++) {
    await postJson(`${system.url('user')}/users`, { email: `late-${i}@example.com`, name: `Late ${i}` });
  }
  for (const id of ids) {
    await waitFor(
      async () => ((await getJson(`${order}/orders/${id}`)).body?.status === 'SHIPPED' ? true : undefined),
      {
        timeoutMs: 60_000,
        what: `order ${id} to ship`,
      },
    );
  }
  const shippedWithout = ids.length;
  say(`All ${shippedWithout} orders shipped with stats and audit absent: nobody was waiting for them.`);

  say(`Now stats and audit start, as a new deployment would. Their subscriptions come from their own handler table.`);
  const started = Date.now();
  await system.startService('stats');
  await system.startService('audit');
  const expected = { signups: users, orders, payments: orders, deliveries: orders };
  const totals = await waitFor(
    async () => {
      const t = (await getJson(`${system.url('stats')}/stats`)).body?.totals;
      return JSON.stringify(t) === JSON.stringify(expected) ? t : undefined;
    },
    { timeoutMs: 60_000, what: 'stats to catch up', intervalMs: 100 },
  ).catch(async () => (await getJson(`${system.url('stats')}/stats`)).body?.totals);
  const statsMs = Date.now() - started;
  let audited = 0;
  await waitFor(
    async () => {
      audited = 0;
      for (const id of ids) {
        const e = (await getJson(`${system.url('audit')}/audit?orderId=${id}`)).body?.entries ?? [];
        if (e.length === 3) audited += 1;
      }
      return audited === ids.length ? true : undefined;
    },
    { timeoutMs: 60_000, what: 'audit to catch up', intervalMs: 200 },
  ).catch(() => undefined);
  const auditMs = Date.now() - started;
  say(`stats caught up in ${(statsMs / 1000).toFixed(1)} s, audit in ${(auditMs / 1000).toFixed(1)} s (incl. start).`);
  const same = JSON.stringify(totals) === JSON.stringify(expected);
  return {
    measurements: {
      orders,
      users,
      shippedWithout,
      statsTotals: totals,
      expected,
      statsCatchUpMs: statsMs,
      audited,
      auditCatchUpMs: auditMs,
    },
    tables: [
      {
        title: 'A late subscriber catches up',
        header: ['measure', 'value'],
        rows: [
          ['orders / sign-ups before the subscribers existed', `${orders} / ${users}`],
          ['orders shipped without them', shippedWithout],
          ['stats totals after catch-up', JSON.stringify(totals)],
          ['stats caught up (from start, incl. process start)', `${statsMs} ms`],
          ['orders with their 3 facts in the audit log', `${audited}/${ids.length} after ${auditMs} ms`],
        ],
      },
    ],
    claims: [
      {
        claim: 'publishers did not wait for the missing subscribers',
        holds: shippedWithout === orders,
        evidence: `${shippedWithout}/${orders} shipped`,
      },
      {
        claim: 'stats, started late, counted every fact exactly once',
        holds: same,
        evidence: `${JSON.stringify(totals)}`,
      },
      {
        claim: 'audit, started late, logged every fact of every order',
        holds: audited === ids.length,
        evidence: `${audited}/${ids.length} orders`,
      },
    ],
  };
}

void runDemo({
  name: 'extend',
  title: 'Extensibility: a subscriber added after the facts',
  lecture: '2, 6-2, 8',
  system: { deferred: ['stats', 'audit'] },
  run,
});
