import { FlowTracker } from '../src/domain/flow';
import { OrderBoard, type Fact } from '../src/domain/orders';
import { parseSamples } from '../src/domain/prom-text';
import { targetsOf, topologyOf, type CatalogEntry } from '../src/domain/topology';

const catalog: CatalogEntry[] = [
  { name: 'order', port: 3000, public: true, publishes: ['order-created', 'dead-letters'], subscribes: [] },
  { name: 'notification', port: 3004, public: false, publishes: ['dead-letters'], subscribes: ['order-created'] },
];

const metrics = (lines: string[]) =>
  parseSamples(['# HELP x', '# TYPE x counter', ...lines].join('\n'), ['eda_', 'process_']);

describe('topologyOf / targetsOf', () => {
  it('draws business topics only, and derives local and cluster addresses from the catalog', () => {
    const t = topologyOf(catalog);
    expect(t.topics).toEqual(['order-created']);
    expect(t.subscribes).toEqual([{ service: 'notification', topic: 'order-created' }]);
    expect(targetsOf(catalog, 'local', 100)[1]).toEqual({
      name: 'notification',
      url: 'http://127.0.0.1:3104',
      metricsUrl: 'http://127.0.0.1:9294/metrics',
    });
    expect(targetsOf(catalog, 'cluster', 0)[1]!.metricsUrl).toBe('http://notification:9464/metrics');
  });
});

describe('parseSamples', () => {
  it('reads labels (escapes included) and values, skipping comments, other series and garbage', () => {
    const s = parseSamples(
      'eda_events_handled_total{service="n",topic="a\\"b",outcome="success"} 3\nnodejs_x 1\neda_bad{ 2\n',
      ['eda_'],
    );
    expect(s).toEqual([
      { name: 'eda_events_handled_total', labels: { service: 'n', topic: 'a"b', outcome: 'success' }, value: 3 },
    ]);
  });
});

describe('FlowTracker', () => {
  it('backlog = published - handled (retries aside); a service that stops answering is down and its backlog rises', () => {
    const f = new FlowTracker(topologyOf(catalog));
    const pub = (n: number) => metrics([`eda_events_published_total{topic="order-created"} ${n}`]);
    const hand = (n: number) =>
      metrics([
        `eda_events_handled_total{topic="order-created",outcome="success"} ${n}`,
        `eda_events_handled_total{topic="order-created",outcome="retry"} 7`,
        `eda_event_delivery_delay_seconds_bucket{topic="order-created",le="0.05"} ${n}`,
        `eda_event_delivery_delay_seconds_bucket{topic="order-created",le="+Inf"} ${n}`,
      ]);
    f.observe('order', pub(10), 0);
    f.observe('notification', [...hand(10), ...metrics(['process_start_time_seconds 1'])], 0);
    f.tick(0);
    f.observe('order', pub(20), 5000);
    f.observe('notification', hand(20), 5000);
    f.tick(5000);
    let v = f.view();
    expect(v.subscribers[0]).toMatchObject({ service: 'notification', up: true, backlog: 0, delayP95Ms: 50 });
    expect(v.edges.find(e => e.kind === 'publish')!.perSecond).toBe(2);
    f.observe('order', pub(50), 10_000);
    f.observe('notification', undefined, 10_000);
    f.tick(10_000);
    v = f.view();
    expect(v.subscribers[0]).toMatchObject({ up: false, backlog: 30 });
    // Restarted (a new start time): its counters start again from zero and may be past the old ones already.
    f.observe('order', pub(50), 15_000);
    f.observe('notification', [...hand(25), ...metrics(['process_start_time_seconds 2'])], 15_000);
    f.tick(15_000);
    expect(f.view().subscribers[0]).toMatchObject({ up: true, backlog: 5 });
    f.observe('notification', [...hand(30), ...metrics(['process_start_time_seconds 2'])], 16_000);
    expect(f.view().subscribers[0]).toMatchObject({ up: true, backlog: 0 });
  });
});

describe('OrderBoard', () => {
  const fact = (type: string, eventId: string, time: string): Fact => ({
    eventId,
    type,
    topic: 't',
    publisher: 'p',
    time,
    receivedAt: time,
    traceId: 'abc',
  });

  it('moves forward only, ignores redeliveries, keeps the latest N orders', () => {
    const b = new OrderBoard(2);
    b.record('o1', fact('DeliveryStarted', 'e3', '2026-01-01T00:00:03Z'));
    expect(b.record('o1', fact('DeliveryStarted', 'e3', '2026-01-01T00:00:03Z'))).toBe(false);
    b.record('o1', fact('OrderCreated', 'e1', '2026-01-01T00:00:01Z'));
    b.record('o1', fact('PaymentCompleted', 'e2', '2026-01-01T00:00:02Z'));
    expect(b.get('o1')).toMatchObject({ status: 'SHIPPED', traceId: 'abc' });
    expect(b.get('o1')!.facts.map(f => f.eventId)).toEqual(['e1', 'e2', 'e3']);
    b.recordSync('o2', 'SHIPPED', '2026-01-01T00:00:04Z');
    b.record('o3', fact('OrderCreated', 'e9', '2026-01-01T00:00:05Z'));
    expect(b.latest().map(o => [o.orderId, o.flow])).toEqual([
      ['o3', 'event'],
      ['o2', 'sync'],
    ]);
  });
});
