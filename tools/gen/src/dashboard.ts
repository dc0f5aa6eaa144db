// The Grafana dashboard of the metrics contract (docs/observability.md): `./lab gen` writes it to
// helm/eda-lab/files/dashboard.json, which the chart ships as a ConfigMap for Grafana's sidecar. Every query is plain
// PromQL (no Grafana variable inside one), so test/e2e/prometheus.test.ts can ask a real Prometheus each of them.

/** 1m windows: a few samples at the usual 15 s scrape interval, and quick to react in a demo. */
const W = '1m';
const p95 = (metric: string, by: string, filter = '') =>
  `histogram_quantile(0.95, sum by (${by}, le) (rate(${metric}_bucket${filter}[${W}])))`;
const rate = (metric: string, by: string, filter = '') => `sum by (${by}) (rate(${metric}${filter}[${W}]))`;

/** The contract's backlog: what was published on a topic minus what each subscriber finished of it (retries not). */
export const BACKLOG =
  'sum by (topic) (eda_events_published_total) - on (topic) group_right ' +
  'sum by (service, topic) (eda_events_handled_total{outcome!="retry"})';

/** POST /orders answers 202 on the event flow, 201 (or a 5xx of a failed hop) at the end of the sync chain. */
const PLACE = 'service="order",route="/orders",method="POST"';

interface Query {
  expr: string;
  legend: string;
}
interface Panel {
  title: string;
  description: string;
  unit: string;
  queries: Query[];
}
interface Row {
  title: string;
  panels: Panel[];
}

export const ROWS: Row[] = [
  {
    title: 'Event flow',
    panels: [
      {
        title: 'Facts published per topic',
        description: 'eda_events_published_total: what each publisher put on the bus (after its sidecar took it).',
        unit: 'ops',
        queries: [{ expr: rate('eda_events_published_total', 'topic'), legend: '{{topic}}' }],
      },
      {
        title: 'Deliveries handled per subscriber and topic',
        description: 'eda_events_handled_total without retries: deliveries a subscriber finished.',
        unit: 'ops',
        queries: [
          {
            expr: rate('eda_events_handled_total', 'service, topic', '{outcome!="retry"}'),
            legend: '{{topic}} -> {{service}}',
          },
        ],
      },
      {
        title: 'Delivery delay p95 per subscriber',
        description: 'eda_event_delivery_delay_seconds: handled time minus the CloudEvent time (how far behind).',
        unit: 's',
        queries: [
          {
            expr: p95('eda_event_delivery_delay_seconds', 'service, topic'),
            legend: '{{service}} on {{topic}}',
          },
        ],
      },
      {
        title: 'Backlog per subscriber',
        description:
          'Published on the topic minus finished by the subscriber, since the processes started (a restart of a ' +
          'publisher or subscriber resets its counters: read the trend, not the absolute value).',
        unit: 'short',
        queries: [{ expr: BACKLOG, legend: '{{service}} on {{topic}}' }],
      },
    ],
  },
  {
    title: 'Errors',
    panels: [
      {
        title: 'Dead letters (per 5 min)',
        description: 'eda_dead_letters_total by reason class: invalid, permanent, key, exhausted.',
        unit: 'short',
        queries: [
          {
            expr: 'sum by (service, topic, reason) (increase(eda_dead_letters_total[5m]))',
            legend: '{{service}} {{topic}} ({{reason}})',
          },
        ],
      },
      {
        title: 'Retries and redeliveries',
        description:
          'Deliveries answered with a retry (outcome retry), and deliveries of an event seen before (redeliveries).',
        unit: 'ops',
        queries: [
          {
            expr: rate('eda_events_handled_total', 'service, topic', '{outcome="retry"}'),
            legend: 'retry: {{service}} on {{topic}}',
          },
          {
            expr: rate('eda_event_redeliveries_total', 'service, topic'),
            legend: 'redelivered: {{service}} on {{topic}}',
          },
          {
            expr: rate('eda_duplicates_ignored_total', 'service, topic'),
            legend: 'duplicate ignored: {{service}} on {{topic}}',
          },
        ],
      },
      {
        title: 'HTTP 5xx per service and route',
        description: 'eda_http_request_duration_seconds_count with a 5xx status (route is the matched template).',
        unit: 'reqps',
        queries: [
          {
            expr: rate('eda_http_request_duration_seconds_count', 'service, route, status', '{status=~"5.."}'),
            legend: '{{service}} {{route}} {{status}}',
          },
        ],
      },
      {
        title: 'HTTP error ratio per service',
        description: 'Share of requests answered with a 5xx.',
        unit: 'percentunit',
        queries: [
          {
            expr:
              `${rate('eda_http_request_duration_seconds_count', 'service', '{status=~"5.."}')} / ` +
              rate('eda_http_request_duration_seconds_count', 'service'),
            legend: '{{service}}',
          },
        ],
      },
    ],
  },
  {
    title: 'Sync chain vs event flow',
    panels: [
      {
        title: 'POST /orders p95: sync chain vs event flow',
        description:
          'The same order, two flows: the event flow answers 202 once OrderCreated is on the bus; the sync chain ' +
          '(?flow=sync) answers 201 after payment, delivery and notification answered, or a 5xx when one failed.',
        unit: 's',
        queries: [
          {
            expr: p95('eda_http_request_duration_seconds', 'service', `{${PLACE},status=~"201|5.."}`),
            legend: 'sync chain',
          },
          {
            expr: p95('eda_http_request_duration_seconds', 'service', `{${PLACE},status="202"}`),
            legend: 'event flow',
          },
        ],
      },
      {
        title: 'POST /orders answers per status',
        description: '202: event flow accepted; 201: sync chain done; 502/504: a hop of the chain failed.',
        unit: 'reqps',
        queries: [
          { expr: rate('eda_http_request_duration_seconds_count', 'status', `{${PLACE}}`), legend: '{{status}}' },
        ],
      },
      {
        title: 'Sync chain hops p95',
        description: "Each callee's /sync/* route, called in turn by order through Dapr service invocation.",
        unit: 's',
        queries: [
          {
            expr: p95('eda_http_request_duration_seconds', 'service, route', '{route=~"/sync/.+"}'),
            legend: '{{service}} {{route}}',
          },
        ],
      },
      {
        title: 'Event path hops: delivery delay p95',
        description:
          "The order's facts on the event path: OrderCreated to payment, PaymentCompleted to delivery, " +
          'DeliveryStarted back to order. Each hop is decoupled: a slow one delays only what follows it.',
        unit: 's',
        queries: [
          {
            expr: p95(
              'eda_event_delivery_delay_seconds',
              'service, topic',
              '{service=~"payment|delivery|order",topic=~"order-created|payment-completed|delivery-started"}',
            ),
            legend: '{{topic}} -> {{service}}',
          },
        ],
      },
    ],
  },
  {
    title: 'Handlers, sidecars and processes',
    panels: [
      {
        title: 'Handler duration p95',
        description: 'eda_event_handler_duration_seconds: time in the handler per delivery.',
        unit: 's',
        queries: [
          { expr: p95('eda_event_handler_duration_seconds', 'service, topic'), legend: '{{service}} on {{topic}}' },
        ],
      },
      {
        title: 'Events per delivery (bulk subscribe)',
        description:
          'eda_events_per_delivery: mean events in one delivery from the sidecar; 1 without bulk subscribe (BULK_MAX_MESSAGES).',
        unit: 'short',
        queries: [
          {
            expr:
              `${rate('eda_events_per_delivery_sum', 'service, topic')} / ` +
              rate('eda_events_per_delivery_count', 'service, topic'),
            legend: '{{service}} on {{topic}}',
          },
        ],
      },
      {
        title: 'Open orders re-announced (per 5 min)',
        description: "order's open-orders watch publishing a stuck order's OrderCreated again.",
        unit: 'short',
        queries: [
          { expr: 'sum by (service) (increase(eda_open_orders_reannounced_total[5m]))', legend: '{{service}}' },
        ],
      },
      {
        title: 'Targets up',
        description: 'Scrape targets answering, per job: the apps (eda-lab-apps) and, where scraped, their sidecars.',
        unit: 'short',
        queries: [{ expr: 'sum by (job) (up{job=~"(.+/)?eda-lab-(apps|daprd)"})', legend: '{{job}}' }],
      },
      {
        title: 'Sidecars: pub/sub messages in (by app status) and out',
        description:
          "daprd's own metrics (its metrics port): messages delivered to each app by topic and the app's answer " +
          '(success, retry, drop), and messages each app published through its sidecar.',
        unit: 'ops',
        queries: [
          {
            expr: rate('dapr_component_pubsub_ingress_count', 'app_id, topic, process_status'),
            legend: 'in: {{topic}} -> {{app_id}} ({{process_status}})',
          },
          {
            expr: rate('dapr_component_pubsub_egress_count', 'app_id, topic'),
            legend: 'out: {{app_id}} -> {{topic}}',
          },
        ],
      },
      {
        title: 'App CPU',
        description: 'process_cpu_seconds_total of each app (Node default metrics).',
        unit: 'percentunit',
        queries: [{ expr: rate('process_cpu_seconds_total', 'service', '{service!=""}'), legend: '{{service}}' }],
      },
    ],
  },
];

/** Every PromQL expression of the dashboard, with the panel it belongs to. */
export function dashboardQueries(): { panel: string; expr: string }[] {
  return ROWS.flatMap(r => r.panels.flatMap(p => p.queries.map(q => ({ panel: p.title, expr: q.expr }))));
}

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

/** The dashboard as Grafana's JSON model (stable: the file is compared with it). */
export function renderDashboard(): string {
  let id = 0;
  let y = 0;
  const panels: object[] = [];
  for (const row of ROWS) {
    panels.push({
      id: ++id,
      type: 'row',
      title: row.title,
      collapsed: false,
      gridPos: { h: 1, w: 24, x: 0, y },
      panels: [],
    });
    y += 1;
    row.panels.forEach((p, i) => {
      panels.push({
        id: ++id,
        type: 'timeseries',
        title: p.title,
        description: p.description,
        datasource: DATASOURCE,
        gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: y + Math.floor(i / 2) * 8 },
        fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
        options: {
          legend: { displayMode: 'table', placement: 'bottom', calcs: ['lastNotNull', 'max'] },
          tooltip: { mode: 'multi', sort: 'desc' },
        },
        targets: p.queries.map((q, k) => ({
          refId: String.fromCharCode(65 + k),
          datasource: DATASOURCE,
          expr: q.expr,
          legendFormat: q.legend,
        })),
      });
    });
    y += Math.ceil(row.panels.length / 2) * 8;
  }
  const dashboard = {
    uid: 'eda-lab',
    title: 'eda-lab: events, delays and errors',
    description: 'The metrics of docs/observability.md: the event flow, its errors, and the sync chain beside it.',
    tags: ['eda-lab', 'dapr'],
    editable: true,
    schemaVersion: 39,
    version: 1,
    refresh: '10s',
    time: { from: 'now-30m', to: 'now' },
    annotations: { list: [] },
    templating: {
      list: [{ name: 'datasource', label: 'Prometheus', type: 'datasource', query: 'prometheus', current: {} }],
    },
    panels,
  };
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}
