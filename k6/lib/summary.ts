// The end of a run: k6's summary data (what handleSummary receives) turned into the report every scenario writes,
// <REPORT_DIR>/<scenario>.json and .md, and the verdict lines printed instead of k6's own summary.
import type { Env } from './env.ts';
import { renderMarkdown, type Claim, type Table } from './markdown.ts';
import { TIME_TRENDS, type MetricType } from './metrics.ts';
import { parseRule, type Rule } from './thresholds.ts';

/** The part of k6's handleSummary data the reports read (k6 docs: "Custom summary", the data structure). */
export interface SummaryMetric {
  type: MetricType;
  contains: 'default' | 'time' | 'data';
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

export interface SummaryCheck {
  name: string;
  passes: number;
  fails: number;
}

export interface SummaryGroup {
  name: string;
  groups: SummaryGroup[];
  checks: SummaryCheck[];
}

export interface SummaryData {
  metrics: Record<string, SummaryMetric>;
  root_group: SummaryGroup;
  state: { testRunDurationMs: number };
}

export interface ReportSpec {
  /** The scenario's file name: k6/scenarios/<name>.ts, and the report's file names. */
  name: string;
  title: string;
  lecture: string;
  rules: readonly Rule[];
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const num = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1));

function valueOf(name: string, m: SummaryMetric, aggregation: string): string {
  const v = m.values[aggregation];
  if (v === undefined) return `${aggregation} not in the summary`;
  if (m.type === 'rate')
    return `${pct(v)} (${m.values.passes ?? 0} of ${(m.values.passes ?? 0) + (m.values.fails ?? 0)})`;
  if (m.type === 'trend') return `${aggregation} ${num(v)}${TIME_TRENDS.has(name.split('{')[0]!) ? ' ms' : ''}`;
  return `${aggregation} ${num(v)}`;
}

/** One claim per rule: k6's own verdict on its threshold, with the measured value as evidence. */
export function claimsOf(rules: readonly Rule[], data: SummaryData): Claim[] {
  return rules.map(r => {
    const m = data.metrics[r.metric];
    // k6 passes a threshold whose metric saw no sample (no iteration dropped: dropped_iterations never appears, or
    // appears without values).
    if (!m || Object.keys(m.values).length === 0) {
      return { claim: r.claim, holds: m?.thresholds?.[r.expr]?.ok ?? true, evidence: `${r.metric}: no samples` };
    }
    const verdict = m.thresholds?.[r.expr];
    return {
      claim: r.claim,
      holds: verdict?.ok ?? false,
      evidence: verdict
        ? `${valueOf(r.metric, m, parseRule(r).aggregation)} (${r.expr})`
        : `${r.expr} was not evaluated by k6`,
    };
  });
}

/** Every check in the run, groups included, with its passes and fails. */
export function checksOf(g: SummaryGroup, prefix = ''): { check: string; passes: number; fails: number }[] {
  const here = g.checks.map(c => ({ check: prefix + c.name, passes: c.passes, fails: c.fails }));
  return [...here, ...g.groups.flatMap(s => checksOf(s, `${prefix}${s.name} / `))];
}

const fixed = (v: number | undefined) => (v === undefined ? '-' : num(v));

/** The measured tables: trends (ms for times), rates, counters, and the checks. */
export function tablesOf(data: SummaryData): Table[] {
  const names = Object.keys(data.metrics).sort();
  const of = (t: MetricType) => names.filter(n => data.metrics[n]!.type === t);
  const v = (n: string) => data.metrics[n]!.values;
  const unit = (n: string) => (TIME_TRENDS.has(n.split('{')[0]!) ? 'ms' : 'ratio');
  const tables: Table[] = [
    {
      title: 'Trends',
      header: ['metric', 'unit', 'count', 'avg', 'p50', 'p95', 'p99', 'max'],
      rows: of('trend').map(n => {
        const x = v(n);
        return [
          n,
          unit(n),
          fixed(x.count),
          fixed(x.avg),
          fixed(x.med),
          fixed(x['p(95)']),
          fixed(x['p(99)']),
          fixed(x.max),
        ];
      }),
    },
    {
      title: 'Rates',
      header: ['metric', 'rate', 'true', 'false'],
      rows: of('rate').map(n => [n, pct(v(n).rate ?? 0), v(n).passes ?? 0, v(n).fails ?? 0]),
    },
    {
      title: 'Counters',
      header: ['metric', 'count', 'per second'],
      rows: of('counter').map(n => [n, fixed(v(n).count), fixed(v(n).rate)]),
    },
    {
      title: 'Checks',
      header: ['check', 'passes', 'fails'],
      rows: checksOf(data.root_group).map(c => [c.check, c.passes, c.fails]),
    },
  ];
  return tables.filter(t => t.rows.length > 0);
}

export interface Report {
  scenario: string;
  title: string;
  lecture: string;
  mode: 'short' | 'default';
  target: { order: string; user: string; chaos: string };
  startedAt: string;
  durationMs: number;
  ok: boolean;
  claims: Claim[];
  measurements: Record<string, Record<string, number>>;
}

/** The report of one run that ended at `endedAt` (ms since the epoch). */
export function reportOf(spec: ReportSpec, data: SummaryData, env: Env, endedAt: number): Report {
  const claims = claimsOf(spec.rules, data);
  const durationMs = data.state.testRunDurationMs;
  return {
    scenario: spec.name,
    title: spec.title,
    lecture: spec.lecture,
    mode: env.SHORT ? 'short' : 'default',
    target: { order: env.BASE_URL, user: env.USER_URL, chaos: env.CHAOS_URL },
    startedAt: new Date(endedAt - durationMs).toISOString(),
    durationMs: Math.round(durationMs),
    ok: claims.every(c => c.holds),
    claims,
    measurements: Object.fromEntries(Object.entries(data.metrics).map(([n, m]) => [n, m.values])),
  };
}

/** What handleSummary returns: the JSON and the Markdown report as files, the verdicts on stdout. */
export function summaryOutputs(spec: ReportSpec, data: SummaryData, env: Env, endedAt: number) {
  const report = reportOf(spec, data, env, endedAt);
  const base = `${env.REPORT_DIR}/${spec.name}`;
  const lines = report.claims.map(c => `${c.holds ? 'HOLDS ' : 'FAILED'}  ${c.claim} (${c.evidence})`);
  return {
    [`${base}.json`]: JSON.stringify(report, null, 2) + '\n',
    [`${base}.md`]: renderMarkdown(report, tablesOf(data)),
    stdout: [`== ${spec.title} (${report.mode} mode) ==`, ...lines, `Report: ${base}.md and .json`, ''].join('\n'),
  };
}
