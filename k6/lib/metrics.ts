// The metrics the thresholds and reports name: k6's built-in ones the scenarios rely on and the scenarios' own.
// Scenarios create their custom metrics from METRIC, so a threshold and its metric cannot drift apart.

export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';

export const METRIC = {
  /** failure-isolation: an event-flow request's duration over the healthy baseline's p95 (a ratio). */
  eventVsBaseline: 'event_latency_vs_baseline',
  /** failure-isolation: whether a synchronous-chain request failed. */
  syncFailed: 'sync_failed',
  /** burst: one sample per accepted order, true once it was SHIPPED or CANCELLED. */
  ordersConverged: 'orders_converged',
  /** convergence: ms from the POST to the read that saw SHIPPED. */
  orderConvergence: 'order_convergence',
  /** convergence: whether the order was seen SHIPPED within the deadline. */
  orderConverged: 'order_converged',
} as const;

export const METRIC_TYPES: Readonly<Record<string, MetricType>> = {
  checks: 'rate',
  http_req_failed: 'rate',
  http_req_duration: 'trend',
  http_reqs: 'counter',
  iterations: 'counter',
  dropped_iterations: 'counter',
  [METRIC.eventVsBaseline]: 'trend',
  [METRIC.syncFailed]: 'rate',
  [METRIC.ordersConverged]: 'rate',
  [METRIC.orderConvergence]: 'trend',
  [METRIC.orderConverged]: 'rate',
};

/** Time trends report milliseconds; the others are plain numbers. */
export const TIME_TRENDS: ReadonlySet<string> = new Set(['http_req_duration', METRIC.orderConvergence]);

/** The trend statistics the summary carries (k6's summaryTrendStats): the reports' p50, p95 and p99. */
export const SUMMARY_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(95)', 'p(99)', 'count'];
