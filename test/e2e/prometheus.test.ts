// A real Prometheus scraping the local system (every app's metrics port and every daprd's), with the chart's alert
// rules loaded: after orders (shipped, declined, through the sync chain, one while the gateway fails), sign-ups, a
// bad event and a duplicate, every PromQL expression of the dashboard and every signal of the alert rules answers
// with series, every rule evaluates cleanly, the dead letter fires EdaDeadLettersRising, and every target is up.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { buildEvent, UserRegistered } from '@lab/contracts';
import { waitFor, type LocalSystem } from '@lab/runtime';
import { anOrder, E2E_RUN_DIR, http, publishVia, SHIPPED_FACTS, startSystem, waitForOrderStatus } from './helpers';
import {
  alertRules,
  api,
  dashboardExprs,
  instantQuery,
  prometheusTool,
  scrapeConfig,
  startPrometheus,
  type Prometheus,
  type Target,
} from './prometheus';

let system: LocalSystem;
let prometheus: Prometheus;

/** A loopback port nobody listens on now (the kernel's choice). */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

beforeAll(async () => {
  // Fails here, before anything starts, when Prometheus was not provisioned (the error says how).
  prometheusTool('prometheus');
  system = await startSystem();
  const targets: Target[] = [...system.services.values()].flatMap(s => [
    { job: 'eda-lab-apps', address: `127.0.0.1:${s.ports.appMetrics}`, labels: { service: s.entry.name } },
    { job: 'eda-lab-daprd', address: `127.0.0.1:${s.ports.metrics}`, labels: { service: s.entry.name } },
  ]);
  prometheus = await startPrometheus(scrapeConfig(targets, '1s'), join(E2E_RUN_DIR, 'prometheus'), await freePort());
});

afterAll(async () => {
  await prometheus?.stop();
  await system?.stop();
});

/** Polls until every expression answers with at least one series; fails naming those that did not, and their answer. */
async function expectSeries(exprs: { what: string; expr: string }[], timeoutMs: number) {
  const last = new Map<string, unknown>();
  const empty = async () => {
    const out: string[] = [];
    for (const { what, expr } of exprs) {
      const r = await instantQuery(prometheus.url, expr).catch((err: Error) => ({ error: err.message }));
      last.set(expr, r);
      if (!('result' in r) || r.result.length === 0) out.push(what);
    }
    return out;
  };
  let missing: string[] = [];
  try {
    await waitFor(async () => ((missing = await empty()).length === 0 ? true : undefined), {
      timeoutMs,
      what: 'every expression to answer with series',
      intervalMs: 1000,
    });
  } catch (err) {
    const detail = exprs
      .filter(e => missing.includes(e.what))
      .map(e => `- ${e.what}: ${e.expr}\n  last answer: ${JSON.stringify(last.get(e.expr))}`)
      .join('\n');
    throw new Error(`${(err as Error).message}; ${missing.length} without series:\n${detail}`, { cause: err });
  }
}

describe('a real Prometheus on the local system', () => {
  it('scrapes every app and every daprd', async () => {
    const expected = system.services.size * 2;
    let last: unknown;
    await waitFor(
      async () => {
        const { activeTargets } = await api<{
          activeTargets: { labels: Record<string, string>; health: string; lastError: string }[];
        }>(prometheus.url, 'targets?state=active');
        last = activeTargets.map(t => ({ ...t.labels, health: t.health, lastError: t.lastError }));
        return activeTargets.length === expected && activeTargets.every(t => t.health === 'up') ? true : undefined;
      },
      { timeoutMs: 30_000, what: `${expected} targets, all up`, intervalMs: 500 },
    ).catch(err => {
      throw new Error(`${(err as Error).message}; last targets: ${JSON.stringify(last)}`, { cause: err });
    });
  });

  it('answers every query of the dashboard and every signal of the alert rules after traffic', async () => {
    const order = system.url('order');
    const admin = { authorization: `Bearer ${system.adminToken}` };
    // The event flow to SHIPPED and to CANCELLED (declined), and the sync chain.
    const shipped = await http('POST', `${order}/orders`, anOrder('c-prom', 1200));
    const declined = await http('POST', `${order}/orders`, anOrder('blocked-prom', 900));
    const chain = await http('POST', `${order}/orders?flow=sync`, anOrder('c-prom-sync', 700));
    expect([shipped.status, declined.status, chain.status]).toEqual([202, 202, 201]);
    for (const email of ['prom-1@example.com', 'prom-2@example.com']) {
      expect((await http('POST', `${system.url('user')}/users`, { email, name: 'Prom' })).status).toBe(202);
    }
    // A bad event: its subscribers dead-letter it (reason invalid). A good one twice: redelivered, then a duplicate.
    await publishVia(system, 'delivery', 'delivery-started', {
      specversion: '1.0',
      id: `prom-bad-${randomUUID()}`,
      source: 'e2e',
      type: 'lab.delivery.started.v1',
      data: { orderId: 'o' },
    });
    const again = buildEvent(
      UserRegistered,
      {
        userId: `u-prom-${randomUUID()}`,
        email: 'prom-again@example.com',
        name: 'Again',
        registeredAt: new Date().toISOString(),
      },
      { source: 'user' },
    );
    await publishVia(system, 'user', 'user-registered', again);
    await publishVia(system, 'user', 'user-registered', again);
    // delivery failing: the chain answers 502 at once (its third hop failed).
    const deliveryFaults = `${system.url('delivery')}/admin/faults`;
    expect((await http('PUT', deliveryFaults, { errorRate: 1 }, admin)).status).toBe(200);
    const failedChain = await http('POST', `${order}/orders?flow=sync`, anOrder('c-prom-sync-fail', 700));
    expect((await http('PUT', deliveryFaults, {}, admin)).status).toBe(200);
    expect(failedChain.status).toBe(502);
    // The gateway failing: the event flow's payment asks for redelivery (retry) until the gateway is back, and the
    // order ships all the same.
    const gatewayFaults = `${system.url('gateway')}/admin/faults`;
    expect((await http('PUT', gatewayFaults, { errorRate: 1 }, admin)).status).toBe(200);
    const retried = await http('POST', `${order}/orders`, anOrder('c-prom-retry', 800));
    expect(retried.status).toBe(202);
    await expectSeries(
      [{ what: 'a retry', expr: 'eda_events_handled_total{service="payment",outcome="retry"} > 0' }],
      30_000,
    );
    expect((await http('PUT', gatewayFaults, {}, admin)).status).toBe(200);
    await waitForOrderStatus(order, shipped.body.orderId, 'SHIPPED', 30_000, SHIPPED_FACTS);
    await waitForOrderStatus(order, declined.body.orderId, 'CANCELLED', 30_000);
    await waitForOrderStatus(order, retried.body.orderId, 'SHIPPED', 60_000, SHIPPED_FACTS);

    const rules = alertRules().groups.flatMap(g => g.rules);
    const queries = [
      ...dashboardExprs().map((q, i) => ({ what: `dashboard "${q.panel}" (query ${i + 1})`, expr: q.expr })),
      ...rules.filter(r => r.record).map(r => ({ what: `signal ${r.record}`, expr: r.expr })),
    ];
    const t0 = Date.now();
    await expectSeries(queries, 60_000);
    process.stdout.write(
      `prometheus: ${queries.length} expressions (${dashboardExprs().length} of the dashboard, ` +
        `${queries.length - dashboardExprs().length} signals of the alert rules) answered with series ` +
        `${Date.now() - t0} ms after the traffic settled\n`,
    );
  });

  it('evaluates every alert rule without error, and the dead letter fires EdaDeadLettersRising', async () => {
    type Rule = { name: string; type: string; health: string; lastError?: string; state?: string };
    const names = alertRules().groups.flatMap(g => g.rules.map(r => r.record ?? r.alert));
    let last: Rule[] = [];
    await waitFor(
      async () => {
        const { groups } = await api<{ groups: { rules: Rule[] }[] }>(prometheus.url, 'rules');
        last = groups.flatMap(g => g.rules);
        const ok = last.length === names.length && last.every(r => r.health === 'ok');
        const fired = last.find(r => r.name === 'EdaDeadLettersRising')?.state === 'firing';
        return ok && fired ? true : undefined;
      },
      { timeoutMs: 30_000, what: 'every rule healthy and EdaDeadLettersRising firing', intervalMs: 500 },
    ).catch(err => {
      throw new Error(`${(err as Error).message}; last rules: ${JSON.stringify(last)}`, { cause: err });
    });
    expect(last.map(r => r.name).sort()).toEqual([...names].sort());
    const { alerts } = await api<{ alerts: { labels: Record<string, string>; state: string }[] }>(
      prometheus.url,
      'alerts',
    );
    const deadLetters = alerts.filter(a => a.labels.alertname === 'EdaDeadLettersRising');
    // Every subscriber of delivery-started set the bad event aside.
    expect(deadLetters.map(a => a.labels.topic)).toContain('delivery-started');
    expect(deadLetters.every(a => a.labels.reason === 'invalid')).toBe(true);
  });
});
