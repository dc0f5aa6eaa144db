// The pass/fail rules, in one place so the scenarios state them the same way, each with the claim it checks (the
// reports' verdict table). k6 fails the run (exit 99) when one does not hold.
import { METRIC, METRIC_TYPES, type MetricType } from './metrics.ts';

export const ACCEPT_P95_MS = 300;
export const BURST_ACCEPT_P95_MS = 500;
export const CONVERGENCE_P95_MS = 5000;

export interface Rule {
  /** The metric, with tags for a submetric: `http_req_failed{flow:event}`. */
  metric: string;
  /** k6's threshold expression: `<aggregation> <operator> <number>`. */
  expr: string;
  /** What holds when it passes, in the reports' words. */
  claim: string;
}

const rule = (metric: string, expr: string, claim: string): Rule => ({ metric, expr, claim });

export const rules = {
  smoke: [
    rule('checks', 'rate==1', 'every check passed: ships, one trace, the chain, sign-up, idempotency, chaos guard'),
  ],
  load: [
    rule('http_req_failed{flow:event}', 'rate<0.001', 'orders accepted: fewer than 0.1% of POST /orders failed'),
    rule('http_req_duration{flow:event}', `p(95)<${ACCEPT_P95_MS}`, `acceptance p95 under ${ACCEPT_P95_MS} ms`),
    rule('http_req_failed{flow:signup}', 'rate<0.001', 'sign-ups accepted: fewer than 0.1% of POST /users failed'),
    // An arrival-rate executor that runs out of VUs drops iterations: the rate asked for was never offered.
    rule('dropped_iterations', 'count==0', 'the arrival rate was kept: no iteration dropped for want of a VU'),
  ],
  isolation: [
    rule('http_req_failed{flow:event}', 'rate<0.001', 'the event flow kept >= 99.9% success, the fault included'),
    rule(
      `${METRIC.eventVsBaseline}{phase:fault}`,
      'p(95)<=1.5',
      "the event flow's p95 under the fault stayed within 1.5x the healthy baseline",
    ),
    rule(`${METRIC.syncFailed}{phase:healthy}`, 'rate<0.01', 'the chain works while healthy'),
    rule(`${METRIC.syncFailed}{phase:fault}`, 'rate>=0.95', "the chain's errors follow the failure (>= 95% failed)"),
    rule(`${METRIC.syncFailed}{phase:after}`, 'rate<0.05', 'the chain recovers when notification is back'),
  ],
  burst: [
    rule('http_req_failed{flow:event}', 'rate<0.001', 'orders accepted through the spike: fewer than 0.1% failed'),
    rule(
      'http_req_duration{flow:event,phase:spike}',
      `p(95)<${BURST_ACCEPT_P95_MS}`,
      `acceptance p95 during the 10x spike under ${BURST_ACCEPT_P95_MS} ms`,
    ),
    rule(METRIC.ordersConverged, 'rate==1', 'every accepted order converged (SHIPPED or CANCELLED)'),
  ],
  convergence: [
    rule('http_req_failed{flow:event}', 'rate<0.001', 'orders accepted: fewer than 0.1% failed'),
    rule(METRIC.orderConvergence, `p(95)<${CONVERGENCE_P95_MS}`, `POST to SHIPPED p95 under ${CONVERGENCE_P95_MS} ms`),
    rule(METRIC.orderConverged, 'rate>0.999', 'more than 99.9% of orders seen SHIPPED within the deadline'),
  ],
} satisfies Record<string, Rule[]>;

export type ScenarioName = keyof typeof rules;

/** k6's `options.thresholds` for a list of rules. */
export function thresholdsOf(list: readonly Rule[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of list) out[r.metric] = [...(out[r.metric] ?? []), r.expr];
  return out;
}

export const thresholds = {
  smoke: thresholdsOf(rules.smoke),
  load: thresholdsOf(rules.load),
  isolation: thresholdsOf(rules.isolation),
  burst: thresholdsOf(rules.burst),
  convergence: thresholdsOf(rules.convergence),
};

export interface ParsedThreshold {
  metric: string;
  tags: Record<string, string>;
  aggregation: string;
  operator: string;
  value: number;
}

const AGGREGATIONS: Record<MetricType, RegExp> = {
  counter: /^(count|rate)$/,
  gauge: /^value$/,
  rate: /^rate$/,
  trend: /^(avg|min|max|med|p\((\d+(\.\d+)?)\))$/,
};

/**
 * A rule read the way k6 reads it, or an error naming what k6 would refuse at start: an unknown metric, a tag
 * selector that is not `key:value`, an aggregation the metric's type has not, a malformed expression.
 */
export function parseRule(r: Pick<Rule, 'metric' | 'expr'>): ParsedThreshold {
  const m = /^([a-z_][a-z0-9_]*)(?:\{([^}]*)\})?$/.exec(r.metric);
  if (!m) throw new Error(`${r.metric}: not a metric name with an optional {tag:value,...} selector`);
  const metric = m[1]!;
  const type = METRIC_TYPES[metric];
  if (!type) throw new Error(`${r.metric}: unknown metric ${metric}`);
  const tags: Record<string, string> = {};
  for (const pair of m[2] ? m[2].split(',') : []) {
    const t = /^([a-z_]+):([a-z0-9_-]+)$/.exec(pair.trim());
    if (!t) throw new Error(`${r.metric}: tag selector ${pair} is not key:value`);
    tags[t[1]!] = t[2]!;
  }
  const e = /^\s*([a-z]+(?:\([\d.]+\))?)\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(r.expr);
  if (!e) throw new Error(`${r.metric}: ${r.expr} is not <aggregation> <operator> <number>`);
  const aggregation = e[1]!;
  if (!AGGREGATIONS[type].test(aggregation)) {
    throw new Error(`${r.metric}: a ${type} has no aggregation ${aggregation}`);
  }
  return { metric, tags, aggregation, operator: e[2]!, value: Number(e[3]) };
}
