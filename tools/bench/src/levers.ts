// `./lab bench --only levers`: each throughput lever measured on its own against a baseline in the same run, on a
// fresh system each: the apps' and sidecars' CPU per order at one fixed rate, convergence at that rate, and the knee.
import { cpus, loadavg } from 'node:os';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { REPO_ROOT } from '@lab/runtime';
import { join } from 'node:path';
import type { Broker } from '@lab/runtime';
import { flowSystem } from './flow-run';
import { flowStep, footprints, type FlowStep } from './flow';
import { f, ratio } from './report-broker';
import { countHopsByService, addHops, hopsPerOrder, HOP_KINDS, type HopKind, type Hops } from './hops';

/** One way of running the same system: extra environment for every app (kit reads it once, in config.ts), replicas. */
export interface Lever {
  name: string;
  appEnv: Record<string, string>;
  /** Instances of every consumer (1 unless set). */
  replicas?: number;
}

/** The baseline first: every other lever is compared with it. */
export const LEVERS: readonly Lever[] = [
  { name: 'one event per delivery', appEnv: { BULK_MAX_MESSAGES: '0' } },
  // Every update starts from a read, as before kit's recall.ts: what remembering one's own writes saves.
  { name: 'no recall: every update reads first', appEnv: { STATE_RECALL_BYTES: '0' } },
  { name: 'bulk subscribe, up to 20 per delivery, 5 ms', appEnv: { BULK_MAX_MESSAGES: '20', BULK_MAX_AWAIT_MS: '5' } },
  {
    name: 'bulk subscribe, up to 100 per delivery, 20 ms',
    appEnv: { BULK_MAX_MESSAGES: '100', BULK_MAX_AWAIT_MS: '20' },
  },
  // Does a short wait keep bulk's gain under load and lose its cost at ordinary rates?
  {
    name: 'bulk subscribe, up to 100 per delivery, 2 ms',
    appEnv: { BULK_MAX_MESSAGES: '100', BULK_MAX_AWAIT_MS: '2' },
  },
  // V8's young generation grows to 3 x 16 MB semi-spaces under load and keeps them: the apps' RSS after load.
  { name: 'young generation capped (--max-semi-space-size=2)', appEnv: { NODE_OPTIONS: '--max-semi-space-size=2' } },
  // Scale-out on the same two cores: what a second instance of every consumer costs (coordination, not capacity).
  { name: '2 replicas of every consumer', appEnv: {}, replicas: 2 },
];

export interface LeverConfig {
  /** The fixed rate CPU per order and convergence are measured at (below every lever's knee). */
  fixedRate: number;
  rates: number[];
  stepSeconds: number;
}

export interface ServiceCost {
  service: string;
  hops: Hops;
  appMs: number;
  sidecarMs: number;
}

export interface LeverResult {
  broker: Broker;
  lever: string;
  /** CPU ms per order at the fixed rate, apps and sidecars apart. */
  appsMs: number;
  sidecarsMs: number;
  fixed: FlowStep;
  /** Calls through the sidecars per order at the fixed rate, by kind. */
  hops: Hops;
  /** The same per service (its instances summed), with its app's and its sidecars' CPU ms per order. */
  byService: ServiceCost[];
  /** The apps' mean RSS (MB) after the warm-up, and after the climb. */
  appRssMb: { warm: number; loaded: number };
  knee: number;
  steps: Pick<FlowStep, 'rate' | 'completedPerSecond' | 'accepted'>[];
}

async function measureLever(
  broker: Broker,
  lever: Lever,
  cfg: LeverConfig,
  o: { offset: number; runDir: string },
  say: (s: string) => void,
): Promise<LeverResult> {
  const sys = await flowSystem(broker, o.offset, join(o.runDir, 'levers'), {
    appEnv: lever.appEnv,
    replicas: lever.replicas ?? 1,
  });
  try {
    await flowStep(sys, 10, 1); // warm-up
    const before = footprints(sys);
    const hopsBefore = await countHopsByService(sys);
    const meanRss = (xs: ReturnType<typeof footprints>) =>
      xs.reduce((n, x) => n + (x.app?.rssMb ?? 0), 0) / Math.max(1, xs.filter(x => x.app).length);
    const fixed = await flowStep(sys, cfg.fixedRate, cfg.stepSeconds);
    const after = footprints(sys);
    const hopsAfter = await countHopsByService(sys);
    const names = sys.allInstances().map(s => s.entry.name);
    const spent = (pick: (x: (typeof after)[number]) => number | undefined, service?: string) =>
      after.reduce(
        (sum, x, i) => (service && names[i] !== service ? sum : sum + ((pick(x) ?? 0) - (pick(before[i]!) ?? 0))),
        0,
      );
    const apps = spent(x => x.app?.cpuSeconds);
    const sidecars = spent(x => x.daprd?.cpuSeconds);
    const perOrder = (cpu: number) => (cpu * 1000) / Math.max(1, fixed.accepted);
    const byService: ServiceCost[] = [...hopsAfter.keys()].map(service => ({
      service,
      hops: hopsPerOrder(hopsBefore.get(service) ?? hopsAfter.get(service)!, hopsAfter.get(service)!, fixed.accepted),
      appMs: perOrder(spent(x => x.app?.cpuSeconds, service)),
      sidecarMs: perOrder(spent(x => x.daprd?.cpuSeconds, service)),
    }));
    const hops = byService.map(x => x.hops).reduce(addHops, {} as Hops);
    const steps: LeverResult['steps'] = [];
    for (const rate of cfg.rates) {
      const s = await flowStep(sys, rate, cfg.stepSeconds);
      steps.push({ rate, completedPerSecond: s.completedPerSecond, accepted: s.accepted });
      say(`  ${lever.name} @${rate}/s: shipped ${s.completedPerSecond}/s, convergence p95 ${s.convergence.p95} ms`);
      if (s.completedPerSecond < 0.7 * rate || s.acceptance.errors > 0) break;
    }
    const knee = steps.filter(s => s.completedPerSecond >= 0.9 * s.rate).at(-1)?.rate ?? 0;
    const appRssMb = { warm: meanRss(before), loaded: meanRss(footprints(sys)) };
    const r = {
      broker,
      lever: lever.name,
      appsMs: perOrder(apps),
      sidecarsMs: perOrder(sidecars),
      fixed,
      hops,
      byService,
      appRssMb,
      knee,
      steps,
    };
    say(
      `${broker} / ${lever.name}: ${f(r.appsMs + r.sidecarsMs)} ms CPU per order (apps ${f(r.appsMs)}, daprd ${f(r.sidecarsMs)}) at ${cfg.fixedRate}/s, convergence p95 ${fixed.convergence.p95} ms, knee ${knee}/s`,
    );
    return r;
  } finally {
    await sys.stop();
  }
}

/** The table of one run: each lever beside the baseline of its broker, with ratios. */
export function renderLevers(results: readonly LeverResult[], cfg: LeverConfig, at: string, load: number): string {
  const out = [
    `Levers measured ${at} (${cpus().length} cores, load average ${load.toFixed(2)} at the start), each on a fresh system; CPU per order and convergence at ${cfg.fixedRate} orders/s for ${cfg.stepSeconds} s, then the climb (${cfg.rates.join(', ')} orders/s) to the knee. Ratios are against the first row of the same broker.`,
    '',
    '| broker | lever | CPU ms per order (apps + daprd) | vs baseline | convergence p50 / p95 ms | knee orders/s | vs baseline | app RSS MB after warm-up / after climb |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of results) {
    const base = results.find(x => x.broker === r.broker)!;
    const cpu = r.appsMs + r.sidecarsMs;
    out.push(
      `| ${r.broker} | ${r.lever} | ${f(cpu)} (${f(r.appsMs)} + ${f(r.sidecarsMs)}) | ${ratio(cpu, base.appsMs + base.sidecarsMs)} | ${r.fixed.convergence.p50} / ${r.fixed.convergence.p95} | ${r.knee} | ${ratio(r.knee, base.knee)} | ${Math.round(r.appRssMb.warm)} / ${Math.round(r.appRssMb.loaded)} |`,
    );
  }
  const base = results[0];
  if (base) {
    const kinds = Object.keys(HOP_KINDS) as HopKind[];
    const total = callsThroughSidecars;
    out.push(
      '',
      `Calls through the sidecars per order at ${cfg.fixedRate} orders/s (every daprd's own counters), for each lever:`,
      '',
      `| broker | lever | ${kinds.join(' | ')} | calls through a sidecar | CPU ms per call |`,
      `| --- | --- | ${kinds.map(() => '---').join(' | ')} | --- | --- |`,
      ...results.map(
        r =>
          `| ${r.broker} | ${r.lever} | ${kinds.map(k => f(r.hops[k])).join(' | ')} | ${f(total(r.hops))} | ${f((r.appsMs + r.sidecarsMs) / Math.max(1e-9, total(r.hops)))} |`,
      ),
    );
  }
  for (const b of results.filter(r => results.find(x => x.broker === r.broker) === r && r.byService.length > 0))
    out.push('', ...costTable(b, cfg));
  out.push('', ...readings(results, cfg));
  return out.join('\n');
}

/**
 * Where one order's cost goes on a baseline, service by service: the calls through its sidecar and the CPU of its
 * app and of its daprd per order, with each one's share of the whole.
 */
export function costTable(r: LeverResult, cfg: LeverConfig): string[] {
  const kinds = ['event delivered', 'state get', 'state set', 'publish', 'invocation'] as const;
  const cpu = (x: { appMs: number; sidecarMs: number }) => x.appMs + x.sidecarMs;
  const whole = r.byService.reduce((n, x) => n + cpu(x), 0);
  const rows = [...r.byService].sort((a, b) => cpu(b) - cpu(a));
  const share = (ms: number) => `${Math.round((100 * ms) / Math.max(1e-9, whole))}%`;
  return [
    `Where one order's cost goes, ${r.broker}, ${r.lever} (at ${cfg.fixedRate} orders/s; per order, each service's instances together):`,
    '',
    `| service | ${kinds.join(' | ')} | calls through its sidecar | app CPU ms | daprd CPU ms | share of the CPU |`,
    `| --- | ${kinds.map(() => '---').join(' | ')} | --- | --- | --- | --- |`,
    ...rows.map(
      x =>
        `| ${x.service} | ${kinds.map(k => f(x.hops[k])).join(' | ')} | ${f(callsThroughSidecars(x.hops))} | ${f(x.appMs)} | ${f(x.sidecarMs)} | ${share(cpu(x))} |`,
    ),
    `| all | ${kinds.map(k => f(r.hops[k])).join(' | ')} | ${f(callsThroughSidecars(r.hops))} | ${f(r.appsMs)} | ${f(r.sidecarsMs)} | 100% |`,
  ];
}

/**
 * Calls that pass a sidecar: state operations, publishes, app-channel calls (deliveries, one per batch with bulk, and
 * invocations received) and invocations sent. Events delivered are the apps' count of the same deliveries, per event.
 */
export const callsThroughSidecars = (h: Hops) =>
  (Object.keys(h) as HopKind[]).filter(k => k !== 'event delivered').reduce((n, k) => n + h[k], 0);

/** What each lever changed against its baseline, in words: CPU per order, calls through the sidecars, memory, knee. */
function readings(results: readonly LeverResult[], cfg: LeverConfig): string[] {
  const total = (r: LeverResult) => callsThroughSidecars(r.hops);
  const lines = results.flatMap(r => {
    const base = results.find(x => x.broker === r.broker)!;
    if (base === r) return [];
    const cpu = (r.appsMs + r.sidecarsMs) / Math.max(1e-9, base.appsMs + base.sidecarsMs);
    return [
      `- ${r.broker}, ${r.lever}: CPU per order ${cpu.toFixed(2)}x the baseline; calls through the sidecars ${f(total(base))} -> ${f(total(r))} per order (app-channel calls ${f(base.hops['app channel call'])} -> ${f(r.hops['app channel call'])}); the apps' RSS after the climb ${Math.round(base.appRssMb.loaded)} -> ${Math.round(r.appRssMb.loaded)} MB; knee ${base.knee} -> ${r.knee} orders/s.`,
    ];
  });
  const slow = results.filter(r => r.knee === 0).length;
  return [
    'Against its baseline:',
    '',
    ...lines,
    ...(slow > 0
      ? [
          '',
          `Knee 0 (${slow} rows): not even ${cfg.rates[0]} orders/s, the first step of the climb, was shipped at 90% or more; at the fixed rate such a system was past its own knee too, so its convergence is a backlog.`,
        ]
      : []),
  ];
}

/** What `--lever <part>` runs: the baseline first, then every other lever whose name contains `part` (all without). */
export function chooseLevers(part?: string): Lever[] {
  const chosen = part === undefined ? LEVERS : LEVERS.filter(l => l.name.includes(part));
  if (chosen.length === 0) throw new Error(`no lever's name contains "${part}": ${LEVERS.map(l => l.name).join('; ')}`);
  return [LEVERS[0]!, ...chosen.filter(l => l !== LEVERS[0])];
}

export async function leversOnly(o: {
  brokers: Broker[];
  cfg: LeverConfig;
  quick: boolean;
  offset: number;
  runDir: string;
  say: (s: string) => void;
  /** The baseline and the levers whose name contains this (the baseline's own name: it alone); docs left as they are. */
  only?: string | undefined;
}): Promise<string> {
  const at = new Date().toISOString();
  const load = loadavg()[0] ?? 0;
  const results: LeverResult[] = [];
  const levers = chooseLevers(o.only);
  for (const broker of o.brokers) {
    o.say(`\n== ${broker} (levers)`);
    for (const lever of levers) results.push(await measureLever(broker, lever, o.cfg, o, o.say));
  }
  const md = renderLevers(results, o.cfg, at, load);
  mkdirSync(o.runDir, { recursive: true });
  const mode = o.quick ? 'quick' : 'full';
  writeFileSync(join(o.runDir, `levers-${mode}.json`), JSON.stringify({ at, loadAverage: load, results }, null, 2));
  writeFileSync(join(o.runDir, `levers-${mode}.md`), md + '\n');
  o.say('\n' + md);
  if (!o.quick && o.only === undefined) {
    const file = join(REPO_ROOT, 'docs', 'performance.md');
    writeFileSync(file, replaceLeversBlock(readFileSync(file, 'utf8'), leversBlock(md)));
    o.say('levers section replaced in docs/performance.md');
  }
  return md;
}

const OPEN = '<!-- levers -->';
const CLOSE = '<!-- /levers -->';

/** The levers section of docs/performance.md, between its markers (written by `--only levers` in full mode). */
export function leversBlock(table: string): string {
  return [
    OPEN,
    '',
    '## Throughput levers, each against the same-run baseline',
    '',
    'Written by `./lab bench --only levers` (kept as it is by a full `./lab bench`): each lever on a fresh system, the first row of each broker its baseline.',
    '',
    table,
    '',
    CLOSE,
  ].join('\n');
}

/** The levers block of a report, or undefined when it has none. */
export function leversBlockOf(md: string): string | undefined {
  const from = md.indexOf(OPEN);
  const to = md.indexOf(CLOSE);
  return from >= 0 && to > from ? md.slice(from, to + CLOSE.length) : undefined;
}

/** `md` with its levers block replaced by `block`, or with `block` appended when it has none. */
export function replaceLeversBlock(md: string, block: string): string {
  const old = leversBlockOf(md);
  return old === undefined ? `${md.trimEnd()}\n\n${block}\n` : md.replace(old, block);
}
