// Percentiles and per-flow, per-phase summaries of load samples.
import { percentile } from '@lab/charts';
import type { Sample } from './load';

export interface Summary {
  flow: string;
  phase: string;
  sent: number;
  ok: number;
  failed: number;
  okRate: number;
  p50: number;
  p95: number;
  p99: number;
}

export function summarize(samples: Sample[], flow: string, phase: string): Summary {
  const s = samples.filter(x => x.flow === flow && x.phase === phase);
  const ms = s.map(x => x.ms);
  const ok = s.filter(x => x.ok).length;
  const r = (v: number) => Math.round(v * 10) / 10;
  return {
    flow,
    phase,
    sent: s.length,
    ok,
    failed: s.length - ok,
    okRate: s.length ? ok / s.length : NaN,
    p50: r(percentile(ms, 50)),
    p95: r(percentile(ms, 95)),
    p99: r(percentile(ms, 99)),
  };
}

export const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** Rows for a Markdown table of summaries. */
export function summaryTable(title: string, rows: Summary[]) {
  return {
    title,
    header: ['flow', 'phase', 'sent', 'ok', 'failed', 'success', 'p50 ms', 'p95 ms', 'p99 ms'],
    rows: rows.map(s => [s.flow, s.phase, s.sent, s.ok, s.failed, pct(s.okRate), s.p50, s.p95, s.p99]),
  };
}

/** Status codes seen, e.g. "201 x40, 502 x12". */
export function statusMix(samples: Sample[], flow: string, phase: string): string {
  const counts = new Map<number, number>();
  for (const s of samples)
    if (s.flow === flow && s.phase === phase) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  return [...counts.entries()].map(([k, v]) => `${k} x${v}`).join(', ');
}
