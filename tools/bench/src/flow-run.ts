// The whole-flow part of the benchmark: the system it runs on, the climb to the knee, and `--only flow` (those
// steps alone, for the charts of docs/performance.md).
import { cpus, loadavg } from 'node:os';
import { setTimeout as pause } from 'node:timers/promises';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@lab/runtime';
import { writeCharts } from '@lab/charts';
import { LocalSystem, type Broker } from '@lab/runtime';
import { chartBlock, flowCharts, replaceChartBlock, type FlowPart } from './charts';
import { flowStep, footprints, type FlowStep } from './flow';

export interface FlowConfig {
  rates: number[];
  stepSeconds: number;
}

/** The whole system, its apps logging warnings only: per-event info lines would measure the logger, not the system. */
export const flowSystem = (
  broker: Broker,
  offset: number,
  runDir: string,
  o: { appEnv?: Record<string, string>; replicas?: number } = {},
) =>
  LocalSystem.start({
    broker,
    portOffset: offset,
    runDir: join(runDir, broker, 'flow'),
    appEnv: { LOG_LEVEL: 'warn', ...o.appEnv },
    replicas: o.replicas ?? 1,
    startTimeoutMs: 180_000,
  });

/**
 * How long the system sits without load before its idle footprint is read: two of the apps' trim windows
 * (IDLE_TRIM_MS, 10 s by default; kit idle-trim.ts), so every app has had one whole quiet window after the warm-up's
 * last delivery. This is what "idle" means in the report, a definition rather than a wait for something to happen.
 */
export const IDLE_AFTER_MS = 21_000;

/** The whole-flow steps: up the offered rates to the knee, then 50% and 80% of it, footprints around them. */
export async function climb(sys: LocalSystem, cfg: FlowConfig, say: (s: string) => void) {
  await flowStep(sys, 10, 1); // warm-up
  const warm = footprints(sys);
  await pause(IDLE_AFTER_MS);
  const idle = footprints(sys);
  const steps: FlowStep[] = [];
  for (const rate of cfg.rates) {
    const step = await flowStep(sys, rate, cfg.stepSeconds);
    steps.push(step);
    say(
      `flow @${rate}/s: accepted p95 ${step.acceptance.p95} ms, shipped ${step.completedPerSecond}/s, convergence p50/p95/p99 ${step.convergence.p50}/${step.convergence.p95}/${step.convergence.p99} ms`,
    );
    // Past the knee every further step only builds a longer backlog: stop climbing.
    if (step.completedPerSecond < 0.7 * rate) break;
  }
  const knee =
    steps.filter(s => s.completedPerSecond >= 0.9 * s.rate && s.acceptance.errors === 0).at(-1)?.rate ?? cfg.rates[0]!;
  const before = footprints(sys);
  const half = await flowStep(sys, Math.round(knee / 2), cfg.stepSeconds);
  const eighty = await flowStep(sys, Math.round(knee * 0.8), cfg.stepSeconds);
  const loaded = footprints(sys);
  return { warm, idle, idleAfterSeconds: IDLE_AFTER_MS / 1000, steps, knee, before, half, eighty, loaded };
}

interface FlowOnly {
  brokers: Broker[];
  cfg: FlowConfig;
  quick: boolean;
  offset: number;
  runDir: string;
  say: (s: string) => void;
}

/**
 * `--only flow`: the whole-flow steps on each broker and nothing else; the charts written (docs/ in full mode, the
 * run folder in quick mode) and, in full mode, only their block in docs/performance.md replaced.
 */
export async function flowOnly({ brokers, cfg, quick, offset, runDir, say }: FlowOnly): Promise<void> {
  const at = new Date().toISOString();
  const load = loadavg()[0] ?? 0;
  const parts: FlowPart[] = [];
  for (const broker of brokers) {
    say(`\n== ${broker} (whole flow only)`);
    const sys = await flowSystem(broker, offset, runDir);
    try {
      const { steps, knee, half, eighty } = await climb(sys, cfg, say);
      parts.push({ broker, steps, knee, half, eighty });
    } finally {
      await sys.stop();
    }
  }
  const mode = quick ? 'quick' : 'full';
  mkdirSync(runDir, { recursive: true });
  writeFileSync(join(runDir, `result-flow-${mode}.json`), JSON.stringify({ at, loadAverage: load, parts }, null, 2));
  const dir = quick ? runDir : join(REPO_ROOT, 'docs');
  await writeCharts(dir, parts.flatMap(flowCharts));
  if (quick) {
    say(`charts written to ${dir}`);
    return;
  }
  const command = `./lab bench --only flow${brokers.length === 1 ? ` --broker ${brokers[0]}` : ''}`;
  const source = `Charts from a whole-flow-only run (\`${command}\`, ${mode}-mode rates, ${at}, ${cpus().length} cores, load average ${load.toFixed(2)} at its start), not the run of the tables above: the same steps, measured again.`;
  const file = join(REPO_ROOT, 'docs', 'performance.md');
  let md = readFileSync(file, 'utf8');
  for (const p of parts) md = replaceChartBlock(md, p.broker, chartBlock(p.broker, flowCharts(p), source));
  writeFileSync(file, md);
  say(`charts written to ${dir}; their links and source line replaced in docs/performance.md`);
}
