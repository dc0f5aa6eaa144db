// Load shapes and statistics for the benchmark: fixed-rate (open model) and closed-loop saturation, percentiles.
import { readFileSync } from 'node:fs';

export interface Summary {
  n: number;
  errors: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  mean: number;
  /** Completed operations per second over the run. */
  throughput: number;
}

export function summarize(latencies: number[], errors: number, seconds: number): Summary {
  const s = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : NaN);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    n: s.length,
    errors,
    p50: round(at(0.5)),
    p90: round(at(0.9)),
    p95: round(at(0.95)),
    p99: round(at(0.99)),
    mean: round(s.reduce((a, b) => a + b, 0) / (s.length || 1)),
    throughput: Math.round(s.length / seconds),
  };
}

const now = () => Number(process.hrtime.bigint()) / 1e6;

/** Starts `op` at a fixed rate for `seconds` (open model: a slow system does not slow the arrivals). */
export async function atRate(rate: number, seconds: number, op: (i: number) => Promise<unknown>): Promise<Summary> {
  const lat: number[] = [];
  let errors = 0;
  const total = Math.round(rate * seconds);
  const t0 = now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - now();
    if (wait > 1) await new Promise(r => setTimeout(r, wait));
    const start = now();
    inflight.push(
      op(i).then(
        () => void lat.push(now() - start),
        () => void (errors += 1),
      ),
    );
  }
  await Promise.all(inflight);
  return summarize(lat, errors, (now() - t0) / 1000);
}

/** `concurrency` workers back to back for `seconds`: the saturation throughput and its latency. */
export async function saturate(
  concurrency: number,
  seconds: number,
  op: (i: number) => Promise<unknown>,
): Promise<Summary> {
  const lat: number[] = [];
  let errors = 0;
  let i = 0;
  const t0 = now();
  const end = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (now() < end) {
        const start = now();
        try {
          await op(i++);
          lat.push(now() - start);
        } catch {
          errors += 1;
        }
      }
    }),
  );
  return summarize(lat, errors, (now() - t0) / 1000);
}

export interface Footprint {
  /** Resident set: every page mapped in, including the executable's pages that other processes share. */
  rssMb: number;
  /** Proportional set: shared pages divided among the processes that map them (what the host really spends). */
  pssMb: number;
  /** Pages only this process holds (anonymous heap and stacks, private file pages): what it alone costs. */
  privateMb: number;
  cpuSeconds: number;
}

/** Memory (MB, from smaps_rollup) and CPU seconds used so far (from stat) of one process, via /proc. */
export function footprint(pid: number): Footprint | undefined {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? 0);
    const mb = (k: number) => Math.round((k / 1024) * 10) / 10;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const ticks = Number(stat[11]) + Number(stat[12]);
    return {
      rssMb: mb(kb('Rss')),
      pssMb: mb(kb('Pss')),
      privateMb: mb(kb('Private_Clean') + kb('Private_Dirty')),
      cpuSeconds: ticks / 100,
    };
  } catch {
    return undefined;
  }
}
