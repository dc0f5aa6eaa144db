#!/usr/bin/env node
// `./lab bench [--quick] [--broker redis|kafka] [--only flow|levers [--lever <part of a name>]]`: starts what it needs, measures against
// same-run baselines on each broker, prints a table, writes JSON (.run/bench/) and, in full mode, docs/performance.md
// with its charts beside it (in quick mode, .run/bench/performance-quick.md). `--only flow` runs the whole-flow
// steps alone and replaces only the charts (and their source line) of docs/performance.md; `--only levers` measures
// each throughput lever against a baseline on fresh systems (levers.ts) and prints the table.
import { cpus, totalmem } from 'node:os';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@lab/runtime';
import { readToolEnv } from '@lab/runtime';
import { LocalSystem, resolveBroker, type Broker } from '@lab/runtime';
import { benchPublish, type PublishResult } from './publish';
import { benchDelivery, type DeliveryResult } from './delivery';
import { flowStep, syncVersusEvent } from './flow';
import { climb, flowOnly, flowSystem } from './flow-run';
import { leversBlockOf, leversOnly, replaceLeversBlock } from './levers';
import { observabilityCost } from './observability';
import { summarizeProfiles } from './profile';
import { renderMarkdown, type BenchResult, type BrokerRun } from './report';
import { writeCharts } from '@lab/charts';
import { flowCharts } from './charts';

const quick = process.argv.includes('--quick') || process.env.LAB_BENCH_QUICK === '1';
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined;
if (only !== undefined && only !== 'flow' && only !== 'levers')
  throw new Error(`--only takes flow or levers, not ${only}`);
const offset = readToolEnv(process.env, { portOffset: 15_000 }).portOffset;
const runDir = join(REPO_ROOT, '.run', 'bench');
const cfg = quick
  ? { reps: 1, rate: 200, seconds: 2, concurrency: 8, rates: [20, 60], stepSeconds: 3, syncRate: 10 }
  : {
      reps: 3,
      rate: 1000,
      seconds: 5,
      concurrency: 16,
      rates: [10, 20, 30, 40, 60, 80, 120, 160],
      stepSeconds: 10,
      syncRate: 10,
    };
const say = (s: string) => process.stdout.write(s + '\n');

/** Brokers to measure: `--broker X`, else $LAB_BROKER, else both (Redis first). */
function brokers(): Broker[] {
  const i = process.argv.indexOf('--broker');
  const named = i >= 0 ? process.argv[i + 1] : process.env.LAB_BROKER;
  if (!named) return ['redis', 'kafka'];
  return [resolveBroker(named)];
}

/** Everything measured on one broker: the bus alone (publish, delivery), then the whole choreography. */
async function onBroker(broker: Broker): Promise<BrokerRun> {
  say(`\n== ${broker}`);
  const dir = join(runDir, broker);
  const pub = await LocalSystem.start({ broker, services: ['gateway'], portOffset: offset, runDir: join(dir, 'bus') });
  const publish: PublishResult[] = [];
  const delivery: DeliveryResult[] = [];
  try {
    for (let r = 0; r < cfg.reps; r++) publish.push(await benchPublish(pub, cfg));
    for (let r = 0; r < cfg.reps; r++) {
      delivery.push(await benchDelivery(pub, { rate: quick ? 100 : 200, seconds: cfg.seconds, port: 3050 + offset }));
    }
  } finally {
    await pub.stop();
  }
  for (const d of delivery) {
    say(`delivery @${d.rate}/s p50/p99 ms: dapr ${d.dapr.p50}/${d.dapr.p99}, direct ${d.direct.p50}/${d.direct.p99}`);
  }
  for (const p of publish) {
    const { dapr, direct } = p.fixedRate;
    say(
      `publish @${p.fixedRate.rate}/s p50/p90/p99 ms: dapr ${dapr.p50}/${dapr.p90}/${dapr.p99}, direct ${direct.p50}/${direct.p90}/${direct.p99}`,
    );
    say(
      `publish saturation (${p.saturation.concurrency} in flight): dapr ${p.saturation.dapr.throughput}/s, direct ${p.saturation.direct.throughput}/s`,
    );
  }

  let run: BrokerRun;
  const sys = await flowSystem(broker, offset, runDir);
  try {
    const { warm, idle, idleAfterSeconds, steps, knee, before, half, eighty, loaded } = await climb(sys, cfg, say);
    const busySeconds = cfg.stepSeconds * 2 + (half.drainedInMs + eighty.drainedInMs) / 1000;
    const svv = await syncVersusEvent(sys, cfg.syncRate, cfg.stepSeconds);
    say(
      `POST /orders @${svv.rate}/s p50/p99 ms: event ${svv.event.p50}/${svv.event.p99}, sync chain ${svv.sync.p50}/${svv.sync.p99}`,
    );
    run = {
      broker,
      publish,
      delivery,
      steps,
      knee,
      half,
      eighty,
      syncVersusEvent: svv,
      footprint: { warm, idle, idleAfterSeconds, before, loaded, busySeconds },
    };
  } finally {
    await sys.stop();
  }
  // The profile has a system of its own: the sampling profiler must not slow the measured steps above.
  if (broker === brokers()[0]) {
    const rate = Math.max(5, Math.round(run.knee / 2));
    run.profile = await profileApps(broker, rate);
    const o = await observabilityCost(broker, {
      rate,
      seconds: cfg.stepSeconds,
      offset,
      runDir: join(dir, 'observability'),
    });
    say(
      `daprd CPU per order @${rate}/s: ${o.shipped.daprdMs} ms with tracing and metrics, ${o.quiet.daprdMs} ms without`,
    );
    run.observability = o;
  }
  return run;
}

/** One load step with V8's profiler in every app; the samples of that step, summed by kind of code. */
async function profileApps(broker: Broker, rate: number): Promise<NonNullable<BrokerRun['profile']>> {
  const dir = join(runDir, broker, 'profile');
  const cpuDir = join(dir, 'cpu');
  rmSync(cpuDir, { recursive: true, force: true });
  mkdirSync(cpuDir, { recursive: true });
  const sys = await LocalSystem.start({
    broker,
    portOffset: offset,
    runDir: dir,
    appEnv: { LOG_LEVEL: 'warn', NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${cpuDir}` },
    startTimeoutMs: 180_000,
  });
  const micros = () => Number(process.hrtime.bigint() / 1000n);
  const measured = await (async () => {
    try {
      await flowStep(sys, 10, 1); // warm-up
      const from = micros();
      const step = await flowStep(sys, rate, cfg.stepSeconds);
      return { from, to: micros(), step };
    } finally {
      await sys.stop(); // the apps write their profiles as they exit
    }
  })();
  const { from, to, step } = measured;
  const shares = summarizeProfiles(cpuDir, from, to);
  say(
    `profile @${rate}/s: ${shares
      .slice(0, 4)
      .map(x => `${x.kind} ${Math.round(x.share * 100)}%`)
      .join(', ')}`,
  );
  return { rate, seconds: (to - from) / 1e6, orders: step.accepted, shares };
}

async function main() {
  const machine = {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? '?',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
  say(`benchmark (${quick ? 'quick' : 'full'} mode) on ${machine.cores} cores, ${machine.cpu}`);
  if (only === 'flow') {
    await flowOnly({ brokers: brokers(), cfg, quick, offset, runDir, say });
    return;
  }
  if (only === 'levers') {
    const levers = quick
      ? { fixedRate: 20, rates: [40], stepSeconds: 3 }
      : { fixedRate: 10, rates: [15, 20, 30, 40, 60, 80, 120, 160, 200, 240], stepSeconds: 8 };
    const leverAt = process.argv.indexOf('--lever');
    const one = leverAt >= 0 ? process.argv[leverAt + 1] : undefined;
    await leversOnly({ brokers: brokers(), cfg: levers, quick, offset, runDir, say, only: one });
    return;
  }
  const runs: BrokerRun[] = [];
  // One broker after the other: each run has the whole machine, as the end-to-end suites do.
  for (const broker of brokers()) runs.push(await onBroker(broker));
  const result: BenchResult = { machine, mode: quick ? 'quick' : 'full', at: new Date().toISOString(), runs };
  mkdirSync(runDir, { recursive: true });
  writeFileSync(join(runDir, `result-${result.mode}.json`), JSON.stringify(result, null, 2));
  const md = renderMarkdown(result);
  say('\n' + md);
  // The charts beside the Markdown that links them: docs/ for the full run, the run folder for a quick one.
  const dir = quick ? runDir : join(REPO_ROOT, 'docs');
  await writeCharts(dir, result.runs.flatMap(flowCharts));
  const target = join(dir, quick ? 'performance-quick.md' : 'performance.md');
  // The levers section comes from its own run (`--only levers`): a full run keeps it.
  const levers = existsSync(target) ? leversBlockOf(readFileSync(target, 'utf8')) : undefined;
  writeFileSync(target, levers ? replaceLeversBlock(md, levers) : md);
}

main().catch(err => {
  process.stderr.write(`benchmark failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
