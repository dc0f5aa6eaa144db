// Every app's metrics on the real system (issue 16): after an order ships, one is declined, a person signs up and a
// bad event is dead-lettered, each subscriber's metrics port shows each of its topics handled, each publisher's its
// facts published, and order's POST /orders timed by its route template.
import { waitFor, type LocalSystem } from '@lab/runtime';
import { anOrder, http, publishVia, SHIPPED_FACTS, startSystem, systemCatalog, waitForOrderStatus } from './helpers';

let system: LocalSystem;
const catalog = systemCatalog();

beforeAll(async () => {
  system = await startSystem();
});

afterAll(async () => {
  await system?.stop();
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of the Prometheus text format (comments skipped). */
function parse(text: string): Sample[] {
  return text
    .split('\n')
    .filter(l => l !== '' && !l.startsWith('#'))
    .map(l => {
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(l);
      if (!m) throw new Error(`not a sample line: ${l}`);
      const labels = Object.fromEntries(
        [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(x => [x[1], x[2]]),
      );
      return { name: m[1]!, labels, value: Number(m[3]) };
    });
}

async function scrape(service: string): Promise<Sample[]> {
  const port = system.service(service).ports.appMetrics;
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5000) });
  if (res.status !== 200) throw new Error(`${service} metrics answered ${res.status}`);
  return parse(await res.text());
}

const sum = (samples: Sample[], name: string, labels: Record<string, string>) =>
  samples
    .filter(s => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.value, 0);

const badSubscribers = catalog.filter(s => s.subscribes.includes('delivery-started')).map(s => s.name);

/**
 * What every app must show: each topic it subscribes to handled, each business fact it publishes published, and each
 * subscriber of delivery-started its bad event set aside and published to dead-letters (the count of the publish
 * moves after the broker answers, later than the dead-letter count, so both are waited for).
 */
function missing(all: Map<string, Sample[]>): string[] {
  const out: string[] = [];
  for (const name of badSubscribers) {
    const samples = all.get(name)!;
    if (sum(samples, 'eda_dead_letters_total', { topic: 'delivery-started', reason: 'invalid' }) === 0)
      out.push(`${name} set no delivery-started aside`);
    if (sum(samples, 'eda_events_published_total', { topic: 'dead-letters' }) === 0)
      out.push(`${name} published no dead letter`);
  }
  for (const s of catalog) {
    const samples = all.get(s.name)!;
    for (const topic of s.subscribes)
      if (sum(samples, 'eda_events_handled_total', { topic, outcome: 'success' }) === 0)
        out.push(`${s.name} handled no ${topic}`);
    for (const topic of s.publishes.filter(t => t !== 'dead-letters'))
      if (sum(samples, 'eda_events_published_total', { topic }) === 0) out.push(`${s.name} published no ${topic}`);
  }
  return out;
}

describe('GET /metrics on every app', () => {
  it('shows every subscription handled and every fact published, each series labelled with its service', async () => {
    const order = system.url('order');
    const shipped = await http('POST', `${order}/orders`, anOrder('c-metrics', 1200));
    const declined = await http('POST', `${order}/orders`, anOrder('c-metrics-declined', 600_000));
    expect([shipped.status, declined.status]).toEqual([202, 202]);
    const signup = await http('POST', `${system.url('user')}/users`, { email: 'metrics@example.com', name: 'Metrics' });
    expect(signup.status).toBe(202);
    // Every subscriber of delivery-started sets it aside (invalid), and audit handles the dead letters.
    await publishVia(system, 'delivery', 'delivery-started', {
      specversion: '1.0',
      id: 'metrics-bad-1',
      source: 'e2e',
      type: 'lab.delivery.started.v1',
      data: { orderId: 'o' },
    });
    await waitForOrderStatus(order, shipped.body.orderId, 'SHIPPED', 30_000, SHIPPED_FACTS);
    await waitForOrderStatus(order, declined.body.orderId, 'CANCELLED', 30_000);

    let all = new Map<string, Sample[]>();
    let gaps: string[] = [];
    try {
      await waitFor(
        async () => {
          all = new Map(await Promise.all(catalog.map(async s => [s.name, await scrape(s.name)] as const)));
          gaps = missing(all);
          return gaps.length === 0 || undefined;
        },
        {
          timeoutMs: 30_000,
          what: 'every subscription handled, every fact published, every bad event dead-lettered',
          intervalMs: 250,
        },
      );
    } catch (err) {
      throw new Error(`${(err as Error).message}; still missing: ${gaps.join(', ')}`, { cause: err });
    }
    expect(gaps).toEqual([]);

    for (const [service, samples] of all) {
      expect({ service, unlabelled: samples.filter(s => s.labels.service !== service).map(s => s.name) }).toEqual({
        service,
        unlabelled: [],
      });
      expect({ service, cpu: samples.some(s => s.name === 'process_cpu_seconds_total') }).toEqual({
        service,
        cpu: true,
      });
    }

    const o = all.get('order')!;
    const posts = sum(o, 'eda_http_request_duration_seconds_count', {
      method: 'POST',
      route: '/orders',
      status: '202',
    });
    expect(posts).toBeGreaterThanOrEqual(2);
    expect(sum(o, 'eda_event_delivery_delay_seconds_count', { topic: 'payment-completed' })).toBeGreaterThan(0);

    for (const name of badSubscribers) {
      const samples = all.get(name)!;
      expect({
        name,
        dl: sum(samples, 'eda_dead_letters_total', { topic: 'delivery-started', reason: 'invalid' }),
      }).toEqual({ name, dl: 1 });
      expect({ name, published: sum(samples, 'eda_events_published_total', { topic: 'dead-letters' }) }).toEqual({
        name,
        published: 1,
      });
    }

    // Printed, not asserted: what one scrape of order costs and how much each app exposes.
    const started = performance.now();
    const text = await (await fetch(`http://127.0.0.1:${system.service('order').ports.appMetrics}/metrics`)).text();
    const ms = performance.now() - started;
    const sizes = [...all].map(([name, samples]) => `${name} ${samples.length}`).join(', ');
    console.log(`order /metrics: ${text.length} bytes in ${ms.toFixed(1)} ms; series per app: ${sizes}`);
  });

  it('shows every app give back its young generation once it is quiet (kit idle-trim.ts, IDLE_TRIM_MS 10 s)', async () => {
    // After the orders above, every app's young generation has grown past its start (2 x 8 MB at least); a window
    // of 10 s with no collection and under 4 MiB allocated trims it to V8's minimum. Reading each app every 5 s
    // allocates about 1 MB of it per window, so being watched does not keep an app from being quiet.
    const MiB = 1024 * 1024;
    let seen = new Map<string, number>();
    const young = async () =>
      new Map(
        await Promise.all(
          catalog.map(
            async s =>
              [s.name, sum(await scrape(s.name), 'nodejs_heap_space_size_total_bytes', { space: 'new' })] as const,
          ),
        ),
      );
    const started = performance.now();
    try {
      await waitFor(
        async () => {
          seen = await young();
          return [...seen.values()].every(bytes => bytes > 0 && bytes <= 4 * MiB) || undefined;
        },
        { timeoutMs: 60_000, what: "every app's young generation at or under 4 MiB", intervalMs: 5000 },
      );
    } catch (err) {
      const last = [...seen].map(([name, bytes]) => `${name} ${(bytes / MiB).toFixed(1)} MiB`).join(', ');
      throw new Error(`${(err as Error).message}; last seen: ${last}`, { cause: err });
    }
    console.log(`every app's young generation trimmed within ${((performance.now() - started) / 1000).toFixed(0)} s`);
  });

  it('serves nothing but /metrics there, and no /metrics on the app port', async () => {
    const port = system.service('user').ports.appMetrics;
    expect((await fetch(`http://127.0.0.1:${port}/admin/faults`)).status).toBe(404);
    expect((await http('GET', `${system.url('user')}/metrics`)).status).toBe(404);
  });
});
