// The local runtime's chaos API (`./lab up` serves it): the same routes the in-cluster controller offers.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASE, portsFor, readCatalog, REPO_ROOT, waitFor } from '@lab/runtime';
import { anOrder, E2E_OFFSET, E2E_RUN_DIR, eventually, http, startLabUp, waitForOrderStatus } from './helpers';

let child: ChildProcess;
let exited: Promise<number | null>;
const chaos = `http://127.0.0.1:${BASE.chaos + E2E_OFFSET}/chaos`;
let auth: Record<string, string>;
const order = `http://127.0.0.1:${3000 + E2E_OFFSET}`;

beforeAll(async () => {
  ({ child, exited } = await startLabUp(90_000));
  const tokens = JSON.parse(readFileSync(join(E2E_RUN_DIR, 'tokens.json'), 'utf8')) as { chaos: string };
  auth = { authorization: `Bearer ${tokens.chaos}` };
});

afterAll(async () => {
  child?.kill('SIGTERM');
  await exited;
});

/**
 * Runs `./lab <args>` (the README's own commands) against this running system: its exit code, its standard output
 * (the answer) and everything it printed (provisioning's progress and errors go to standard error).
 */
function lab(args: string[]): Promise<{ code: number | null; out: string; all: string }> {
  return new Promise(resolve => {
    const p = spawn(join(REPO_ROOT, 'lab'), args, {
      cwd: REPO_ROOT,
      env: { ...process.env, LAB_PORT_OFFSET: String(E2E_OFFSET), LAB_RUN_DIR: E2E_RUN_DIR },
    });
    let out = '';
    let all = '';
    p.stdout.on('data', d => ((out += d.toString()), (all += d.toString())));
    p.stderr.on('data', d => (all += d.toString()));
    p.once('exit', code => resolve({ code, out, all }));
  });
}

describe('chaos API of the local runtime', () => {
  it('refuses callers without the token', async () => {
    expect((await http('GET', `${chaos}/services`)).status).toBe(401);
  });

  it('lists, stops and starts a service; the event flow does not notice the stop', async () => {
    const list = await http('GET', `${chaos}/services`, undefined, auth);
    expect(list.body.services).toContainEqual({ name: 'notification', running: true });
    const stop = await http('POST', `${chaos}/services/notification/stop`, '', auth);
    expect(stop.body).toMatchObject({ service: 'notification', action: 'stop', changed: true });
    expect((await http('GET', `${chaos}/services`, undefined, auth)).body.services).toContainEqual({
      name: 'notification',
      running: false,
    });
    const placed = await http('POST', `${order}/orders`, anOrder('chaos-c'));
    expect(placed.status).toBe(202);
    await waitForOrderStatus(order, placed.body.orderId, 'SHIPPED');
    await http('POST', `${chaos}/services/notification/start`, '', auth);
    await eventually(
      `http://127.0.0.1:${3004 + E2E_OFFSET}/notifications?recipient=chaos-c`,
      b => b.notifications?.length === 3,
      'the backlog delivered after the restart',
    );
  });

  it('sets fault knobs on a service through its admin API', async () => {
    const set = await http('PUT', `${chaos}/services/order/faults`, { errorRate: 1 }, auth);
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ service: 'order', instances: 1, faults: { errorRate: 1 } });
    expect((await http('POST', `${order}/orders`, anOrder())).status).toBe(503);
    await http('PUT', `${chaos}/services/order/faults`, {}, auth);
    expect((await http('POST', `${order}/orders`, anOrder())).status).toBe(202);
    expect((await http('POST', `${chaos}/services/nope/stop`, '', auth)).status).toBe(404);
  });

  it('./lab verify checks the live system; ./lab dlq lists, shows and refuses to replay a malformed event', async () => {
    // Every order placed today, from order's own index (not audit's window): amounts, effects and stats checked.
    const v = await lab(['verify', '--since', '24h', '--bound-ms', '60000']);
    expect(v.all).toMatch(/live system: OK/);
    expect(v.all).toMatch(/orders accepted [1-9]\d*: .*lost 0/);
    expect(v.all).toMatch(/facts counted by stats [1-9]/);
    expect(v.code).toBe(0);
    const bad = await lab(['verify', '--since', 'yesterday']);
    expect(bad.code).toBe(1);
    expect(bad.all).toMatch(/--since yesterday: expected/);

    // A faulty publisher's event: every consumer of the topic sets it aside with the reason.
    const tokens = JSON.parse(readFileSync(join(E2E_RUN_DIR, 'tokens.json'), 'utf8')) as { dapr: string };
    const malformed = { specversion: '1.0', id: 'bad-dlq', source: 'x', type: 'lab.user.registered.v1', data: {} };
    const res = await fetch(`http://127.0.0.1:${3501 + E2E_OFFSET}/v1.0/publish/pubsub/user-registered`, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json', 'dapr-api-token': tokens.dapr },
      body: JSON.stringify(malformed),
    });
    expect(res.status).toBe(204);
    // One dead letter per subscriber of the topic (`./lab up` runs them all, the live console included).
    const subscribers = readCatalog().filter(s => s.subscribes.includes('user-registered')).length;
    const want = new RegExp(`^${subscribers} dead letter\\(s\\)`);
    let list = await lab(['dlq', 'list']);
    for (const deadline = Date.now() + 30_000; !want.test(list.out) && Date.now() < deadline;) {
      list = await lab(['dlq', 'list']);
    }
    expect(list.out).toMatch(want);
    expect(list.out).toMatch(/user-registered/);
    const id = list.out.split('\n')[1]!.split(' ')[0]!;
    const show = await lab(['dlq', 'show', id]);
    expect(JSON.parse(show.out).original).toMatchObject(malformed); // as delivered: daprd adds topic, time, trace fields
    const replay = await lab(['dlq', 'replay', id]);
    expect(replay.code).toBe(1);
    expect(replay.all).toMatch(/not_replayable/);
  });

  // What no watch of the flow heals: a side consumer that acknowledged facts without handling them (a bug, a bad
  // deploy) after the orders finished. The verifier names each fact it shows no effect of; --heal has audit announce
  // each again, addressed to the consumers lacking it; the verifier then finds every effect once, nothing doubled.
  it('./lab verify --heal gives a side consumer the facts it lost after the orders shipped, and no one else', async () => {
    const tokens = JSON.parse(readFileSync(join(E2E_RUN_DIR, 'tokens.json'), 'utf8')) as { admin: string };
    const admin = { authorization: `Bearer ${tokens.admin}` };
    const appUrl = (name: string) =>
      `http://127.0.0.1:${
        portsFor(
          readCatalog().find(s => s.name === name)!,
          E2E_OFFSET,
        ).app
      }`;
    const FACTS = ['order-created', 'payment-completed', 'delivery-started'];
    const taken = async (svc: string) => {
      const d = (await http('GET', `${appUrl(svc)}/admin/deliveries`, undefined, admin)).body as Record<
        string,
        { distinct: number }
      >;
      return FACTS.reduce((n, t) => n + (d[t]?.distinct ?? 0), 0);
    };
    const lossy = ['notification', 'stats'];
    const before = await Promise.all(lossy.map(taken));
    for (const svc of lossy)
      expect((await http('PUT', `${chaos}/services/${svc}/faults`, { dropRate: 1 }, auth)).status).toBe(200);
    const placed = await Promise.all([1, 2].map(() => http('POST', `${order}/orders`, anOrder('heal-c'))));
    for (const p of placed) await waitForOrderStatus(order, p.body.orderId, 'SHIPPED');
    // Both took (and dropped) the three facts of both orders before the knobs are cleared.
    await waitFor(
      async () => {
        const seen = await Promise.all(lossy.map(taken));
        if (seen.every((n, i) => n >= before[i]! + 6)) return true;
        throw new Error(`${lossy.join(' and ')} took ${seen.map((n, i) => n - before[i]!).join(' and ')} of 6 facts`);
      },
      { timeoutMs: 30_000, what: 'notification and stats to take (and drop) the 6 facts of both orders' },
    );
    for (const svc of lossy) await http('PUT', `${chaos}/services/${svc}/faults`, {}, auth);

    const found = await lab(['verify', '--since', '24h', '--bound-ms', '3000']);
    expect(found.code).toBe(1);
    expect(found.all).toMatch(/facts a side consumer shows no effect of: 12 \(notification, stats\)/);
    // The first pass gives up after 3 s (its findings are the ones above); the pass after healing waits up to 60 s.
    const healed = await lab(['verify', '--since', '24h', '--bound-ms', '3000', '--heal']);
    expect(healed.all).toMatch(/healing: 6 fact\(s\) announced again/);
    expect(healed.all).toMatch(/live system, healed: OK/);
    expect(healed.all).toMatch(/duplicated effects 0/);
    expect(healed.code).toBe(0);
  });
});
