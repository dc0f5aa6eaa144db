import request from 'supertest';
import { buildEvent, UserRegistered } from '@lab/contracts';
import {
  countingBus,
  createHttpShell,
  metricsListener,
  metricsText,
  mountSubscriptions,
  NO_FAULTS,
  on,
  PermanentEventError,
  resetMetrics,
  silentLogger,
  StateKeyError,
  updateState,
} from '../src';
import { MemoryBus, MemoryState } from '../src/testing';
import { LAST_READ_MAX_MS, ScrapeWatch } from '../src';

/** A subscriber whose handler does what the event's name says: fail (retry), refuse (permanent), or apply once. */
function subscriber() {
  const state = new MemoryState();
  const bus = new MemoryBus();
  const shell = createHttpShell({
    config: { service: 'probe', adminToken: undefined, appApiToken: undefined, faults: NO_FAULTS },
    log: silentLogger(),
    ready: async () => true,
  });
  shell.router.get('/things/:id', ctx => {
    ctx.body = { id: ctx.params.id };
  });
  mountSubscriptions(shell.router, {
    pubsubName: 'pubsub',
    service: 'probe',
    appApiToken: undefined,
    log: silentLogger(),
    deadLetters: { bus: countingBus(bus), service: 'probe' },
    subscriptions: [
      on(UserRegistered, async e => {
        if (e.data.name === 'fail') throw new Error('sidecar hiccup');
        if (e.data.name === 'refuse') throw new PermanentEventError('never');
        if (e.data.name === 'key') throw new StateKeyError('a||b', "a key can't contain '||'");
        // The consumers' inbox check: the event id applied once, then "nothing to do".
        await updateState<string[]>(state, `seen:${e.data.userId}`, cur =>
          cur?.includes(e.id) ? undefined : [...(cur ?? []), e.id],
        );
      }),
    ],
  });
  return { srv: shell.finish().callback(), bus };
}

const registered = (name: string, time = new Date()) =>
  buildEvent(
    UserRegistered,
    { userId: `u-${name}`, email: 'u@x.io', name, registeredAt: time.toISOString() },
    { source: 'user', time },
  );

const deliver = (srv: ReturnType<typeof subscriber>['srv'], body: object) =>
  request(srv)
    .post('/events/user-registered')
    .set('Content-Type', 'application/cloudevents+json')
    .send(JSON.stringify(body));

/** The value of one series in the text format, e.g. value(text, 'eda_events_handled_total', {outcome: 'retry'}). */
function value(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const lines = text.split('\n').filter(l => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
  const line = lines.find(l => Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

const topic = 'user-registered';

describe('metrics of the delivery path', () => {
  beforeEach(() => resetMetrics());

  it('counts success, duplicate, retry and dead letters by outcome and reason class', async () => {
    const { srv, bus } = subscriber();
    const once = registered('ann');
    expect((await deliver(srv, once)).body).toEqual({ status: 'SUCCESS' });
    expect((await deliver(srv, once)).body).toEqual({ status: 'SUCCESS' }); // the inbox finds it applied
    const failing = registered('fail');
    await deliver(srv, failing).expect(500);
    await deliver(srv, failing).expect(500);
    await deliver(srv, registered('refuse')).expect(200);
    await deliver(srv, registered('key')).expect(200);
    await deliver(srv, { ...registered('bad'), data: { userId: 'x' } }).expect(200);

    const text = await metricsText();
    expect(value(text, 'eda_events_handled_total', { topic, outcome: 'success' })).toBe(1);
    expect(value(text, 'eda_events_handled_total', { topic, outcome: 'duplicate' })).toBe(1);
    expect(value(text, 'eda_events_handled_total', { topic, outcome: 'retry' })).toBe(2);
    expect(value(text, 'eda_events_handled_total', { topic, outcome: 'dead_lettered' })).toBe(3);
    expect(value(text, 'eda_duplicates_ignored_total', { topic })).toBe(1);
    // Two events were delivered twice: the duplicate and the retried one.
    expect(value(text, 'eda_event_redeliveries_total', { topic })).toBe(2);
    for (const reason of ['permanent', 'key', 'invalid'])
      expect(value(text, 'eda_dead_letters_total', { topic, reason })).toBe(1);
    // The DeadLettered facts went through the counting bus.
    expect(bus.published.filter(p => p.topic === 'dead-letters')).toHaveLength(3);
    expect(value(text, 'eda_events_published_total', { topic: 'dead-letters' })).toBe(3);
    // Every delivery that reached the handler was timed (2 applied + 2 retried + 2 thrown permanently).
    expect(value(text, 'eda_event_handler_duration_seconds_count', { topic })).toBe(6);
  });

  it('observes the delivery delay from the CloudEvent time, not for a delivery to be retried', async () => {
    const { srv } = subscriber();
    await deliver(srv, registered('late', new Date(Date.now() - 42_000))).expect(200);
    await deliver(srv, registered('fail', new Date(Date.now() - 600_000))).expect(500);
    const text = await metricsText();
    expect(value(text, 'eda_event_delivery_delay_seconds_count', { topic })).toBe(1);
    const sum = value(text, 'eda_event_delivery_delay_seconds_sum', { topic })!;
    expect(sum).toBeGreaterThanOrEqual(42);
    expect(sum).toBeLessThan(60);
    expect(value(text, 'eda_event_delivery_delay_seconds_bucket', { topic, le: '30' })).toBe(0);
    expect(value(text, 'eda_event_delivery_delay_seconds_bucket', { topic, le: '60' })).toBe(1);
  });
});

describe('metrics of HTTP requests', () => {
  beforeEach(() => resetMetrics());

  it('labels by route template, and every unknown path as one `unmatched` series', async () => {
    const { srv } = subscriber();
    await request(srv).get('/things/a').expect(200);
    await request(srv).get('/things/b').expect(200);
    for (const path of ['/nope', '/x/../../etc/passwd', `/${'a'.repeat(500)}`, '/things/a/b', '/%00'])
      await request(srv).get(path).expect(404);
    await request(srv).delete('/things/a').expect(405);
    await request(srv).get('/admin/faults').expect(403); // refused by the guard before routing

    const text = await metricsText();
    const routes = new Set(
      [...text.matchAll(/eda_http_request_duration_seconds_count\{[^}]*route="([^"]*)"/g)].map(m => m[1]),
    );
    expect([...routes].sort()).toEqual(['/admin/faults', '/things/:id', 'unmatched']);
    expect(
      value(text, 'eda_http_request_duration_seconds_count', { method: 'GET', route: '/things/:id', status: '200' }),
    ).toBe(2);
    expect(value(text, 'eda_http_request_duration_seconds_count', { route: 'unmatched', status: '404' })).toBe(5);
    expect(value(text, 'eda_http_request_duration_seconds_count', { method: 'DELETE', status: '405' })).toBe(1);
  });
});

describe('GET /metrics on the metrics listener', () => {
  it('serves the text format where every series carries the service label, and nothing else', async () => {
    resetMetrics();
    const { srv } = subscriber();
    await deliver(srv, registered('bob')).expect(200);
    await request(srv).get('/metrics').expect(404); // never on the app port
    const listener = metricsListener();
    const res = await request(listener).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const series = (res.text as string).split('\n').filter(l => l !== '' && !l.startsWith('#'));
    expect(series.some(l => l.startsWith('process_cpu_seconds_total'))).toBe(true);
    expect(series.some(l => l.startsWith('nodejs_eventloop_lag_seconds'))).toBe(true);
    expect(series.filter(l => !l.includes('service="probe"'))).toEqual([]);
    await request(listener).get('/other').expect(404);
    await request(listener).post('/metrics').expect(404);
  });
});

// The console's backlog of a stopped and started consumer stayed too high for good when the consumer handled
// events after the console's last read and then stopped (seen in CI: "the page last showed 3").
describe('the last read of a stopping process (ScrapeWatch)', () => {
  let clock = 0;
  const watch = () => new ScrapeWatch(() => clock);
  beforeEach(() => {
    clock = 1_000_000;
    jest.useFakeTimers();
  });
  afterEach(() => jest.useRealTimers());

  it('waits for the next read of a scraper that reads every second, and resolves when it comes', async () => {
    const w = watch();
    w.read();
    clock += 1000;
    w.read();
    clock += 300;
    expect(w.waitMs()).toBe(2000);
    const last = w.lastRead();
    clock += 700;
    w.read();
    await expect(last).resolves.toBe('read');
  });

  it('waits up to LAST_READ_MAX_MS after a single recent read (a process started a moment ago)', () => {
    const w = watch();
    w.read();
    clock += 1200;
    expect(w.waitMs()).toBe(LAST_READ_MAX_MS);
  });

  it('gives up after two intervals when the scraper does not come back', async () => {
    const w = watch();
    w.read();
    clock += 1000;
    w.read();
    const last = w.lastRead();
    await jest.advanceTimersByTimeAsync(1999);
    let settled = false;
    void last.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await expect(last).resolves.toBe('timeout');
  });

  it.each([
    ['never read', [] as number[], 10],
    ['read once, long enough ago', [0], LAST_READ_MAX_MS + 1],
    ['read rarely (Prometheus every 15 s)', [0, 15_000], 10],
    ['read steadily, but the scraper has gone', [0, 1000], 2001],
    ['read at an interval whose wait would pass LAST_READ_MAX_MS', [0, LAST_READ_MAX_MS / 2 + 1], 10],
  ])('does not wait when %s', async (_what, reads, sinceLast) => {
    const w = watch();
    for (const at of reads) {
      clock = 1_000_000 + at;
      w.read();
    }
    clock += sinceLast;
    expect(w.waitMs()).toBe(0);
    await expect(w.lastRead()).resolves.toBe('none');
  });
});
