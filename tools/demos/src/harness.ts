// The frame every demo shares: its own LocalSystem, console narration, a JSON and Markdown report, an exit code.
import { cpus, loadavg } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@lab/runtime';
import { readToolEnv } from '@lab/runtime';
import { writeCharts, type Chart } from '@lab/charts';
import { LocalSystem, type SystemOptions } from '@lab/runtime';
import { renderMarkdown, type Claim, type Table } from './markdown';

export type { Claim };

export interface DemoResult {
  measurements: Record<string, unknown>;
  tables: Table[];
  claims: Claim[];
  /** Charts written beside the report as `<demo>-<file>` and linked from its Markdown. */
  charts?: Chart[];
}

export interface DemoContext {
  system: LocalSystem;
  short: boolean;
  offset: number;
  /** One narration line: what happens and why. */
  say(line: string): void;
}

export interface DemoSpec {
  name: string;
  title: string;
  /** The lecture sections (docs: /work/shared/seed/eda-lecture-day9.ko.md) this demo shows. */
  lecture: string;
  system?: Omit<SystemOptions, 'portOffset' | 'runDir' | 'console'>;
  /** With `--docs`, the report is also written to docs/<docs>.md, its charts beside it (a committed real run). */
  docs?: string;
  run(ctx: DemoContext): Promise<DemoResult>;
}

/** Short mode keeps a demo under ~30 s for CI: `--short` or LAB_DEMO_SHORT=1. */
export const isShort = () => process.argv.includes('--short') || process.env.LAB_DEMO_SHORT === '1';

const say = (line: string) => process.stdout.write(`${line}\n`);

export async function runDemo(spec: DemoSpec): Promise<never> {
  const short = isShort();
  const offset = readToolEnv().portOffset;
  const runDir = join(REPO_ROOT, '.run', `demo-${spec.name}`);
  const started = Date.now();
  const loadAverage = loadavg()[0] ?? 0;
  say(`== ${spec.title} (lecture ${spec.lecture}; ${short ? 'short' : 'default'} mode) ==`);
  say(`Starting 9 services, each with its own daprd, and Redis (ports shifted by ${offset})...`);
  let system: LocalSystem | undefined;
  // Ctrl-C still stops every process this demo started.
  const interrupt = () => void system?.stop().finally(() => process.exit(130));
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  let result: DemoResult;
  let error: string | undefined;
  try {
    system = await LocalSystem.start({ ...spec.system, portOffset: offset, runDir });
    say(`System up in ${((Date.now() - started) / 1000).toFixed(1)} s (broker: ${system.broker}).`);
    result = await spec.run({ system, short, offset, say });
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
    result = {
      measurements: {},
      tables: [],
      claims: [{ claim: 'the demo ran to the end', holds: false, evidence: error }],
    };
  } finally {
    say('Stopping every process this demo started...');
    await system?.stop();
  }
  const report = {
    demo: spec.name,
    title: spec.title,
    lecture: spec.lecture,
    mode: short ? 'short' : 'default',
    machine: {
      cores: cpus().length,
      cpu: cpus()[0]?.model ?? 'unknown',
      runtime: 'local (LocalSystem)',
      broker: system?.broker ?? 'redis',
    },
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    loadAverage,
    ok: result.claims.length > 0 && result.claims.every(c => c.holds),
    ...(error ? { error } : {}),
    claims: result.claims,
    measurements: result.measurements,
  };
  const dir = join(runDir, 'reports');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${spec.name}.json`), JSON.stringify(report, null, 2) + '\n');
  const charts = (result.charts ?? []).map(c => ({ ...c, file: `${spec.name}-${c.file}` }));
  await writeCharts(dir, charts);
  writeFileSync(join(dir, `${spec.name}.md`), renderMarkdown(report, result.tables, charts));
  // Only a run whose every claim holds replaces the committed report.
  if (spec.docs && process.argv.includes('--docs') && report.ok) {
    const docsDir = join(REPO_ROOT, 'docs');
    const command = `./lab demo ${spec.name} --docs${short ? ' --short' : ''}`;
    const head = [`<!-- Written by \`${command}\` (charts beside it); rerun it for your own machine. -->`, ''];
    await writeCharts(docsDir, charts);
    writeFileSync(join(docsDir, `${spec.docs}.md`), renderMarkdown(report, result.tables, charts, head));
    say(`Also written: docs/${spec.docs}.md and its ${charts.length} charts.`);
  }
  say('');
  for (const c of result.claims) say(`${c.holds ? 'HOLDS ' : 'FAILED'}  ${c.claim} (${c.evidence})`);
  say(`Report: ${join(dir, `${spec.name}.md`)} and .json`);
  process.exit(report.ok ? 0 : 1);
}
