#!/usr/bin/env node
// `npm run bench [-- --quick]`: starts what it needs, measures against same-run baselines, prints a table, writes
// JSON (.run/bench/) and, in full mode, docs/performance.md.
import { cpus, totalmem } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../catalog';
import { LocalSystem } from '../system';
import { benchPublish, type PublishResult } from './publish';
import { benchDelivery, type DeliveryResult } from './delivery';
import { flowStep, footprints, syncVersusEvent, type FlowStep } from './flow';
import { renderMarkdown } from './report';

const quick = process.argv.includes('--quick') || process.env.LAB_BENCH_QUICK === '1';
const offset = Number(process.env.LAB_PORT_OFFSET ?? 15_000);
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

async function main() {
  const machine = {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? '?',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
  say(`benchmark (${quick ? 'quick' : 'full'} mode) on ${machine.cores} cores, ${machine.cpu}`);

  const pub = await LocalSystem.start({ services: ['gateway'], portOffset: offset, runDir: join(runDir, 'publish') });
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
    say(
      `publish @${p.fixedRate.rate}/s p50/p90/p99 ms: dapr ${p.fixedRate.dapr.p50}/${p.fixedRate.dapr.p90}/${p.fixedRate.dapr.p99}, direct ${p.fixedRate.direct.p50}/${p.fixedRate.direct.p90}/${p.fixedRate.direct.p99}`,
    );
    say(
      `publish saturation (${p.saturation.concurrency} in flight): dapr ${p.saturation.dapr.throughput}/s, direct ${p.saturation.direct.throughput}/s`,
    );
  }

  // Apps log warnings only: per-event info lines would measure the logger and the log pipe, not the system.
  const sys = await LocalSystem.start({
    portOffset: offset,
    runDir: join(runDir, 'flow'),
    appEnv: { LOG_LEVEL: 'warn' },
  });
  const steps: FlowStep[] = [];
  let result;
  try {
    await flowStep(sys, 10, 1); // warm-up
    const idle = footprints(sys);
    for (const rate of cfg.rates) {
      const step = await flowStep(sys, rate, cfg.stepSeconds);
      steps.push(step);
      const saturated = step.completedPerSecond < 0.7 * rate;
      say(
        `flow @${rate}/s: accepted p95 ${step.acceptance.p95} ms, shipped ${step.completedPerSecond}/s, convergence p50/p95/p99 ${step.convergence.p50}/${step.convergence.p95}/${step.convergence.p99} ms`,
      );
      // Past the knee every further step only builds a longer backlog: stop climbing.
      if (saturated) break;
    }
    const knee =
      steps.filter(s => s.completedPerSecond >= 0.9 * s.rate && s.acceptance.errors === 0).at(-1)?.rate ??
      cfg.rates[0]!;
    const before = footprints(sys);
    const half = await flowStep(sys, Math.round(knee / 2), cfg.stepSeconds);
    const eighty = await flowStep(sys, Math.round(knee * 0.8), cfg.stepSeconds);
    const loaded = footprints(sys);
    const busySeconds = cfg.stepSeconds * 2 + (half.drainedInMs + eighty.drainedInMs) / 1000;
    const svv = await syncVersusEvent(sys, cfg.syncRate, cfg.stepSeconds);
    say(
      `POST /orders @${svv.rate}/s p50/p99 ms: event ${svv.event.p50}/${svv.event.p99}, sync chain ${svv.sync.p50}/${svv.sync.p99}`,
    );
    result = {
      machine,
      mode: quick ? 'quick' : 'full',
      at: new Date().toISOString(),
      publish,
      delivery,
      steps,
      knee,
      half,
      eighty,
      syncVersusEvent: svv,
      footprint: { idle, before, loaded, busySeconds },
    };
  } finally {
    await sys.stop();
  }
  mkdirSync(runDir, { recursive: true });
  writeFileSync(join(runDir, `result-${result.mode}.json`), JSON.stringify(result, null, 2));
  const md = renderMarkdown(result);
  say('\n' + md);
  if (!quick) writeFileSync(join(REPO_ROOT, 'docs', 'performance.md'), md);
}

main().catch(err => {
  process.stderr.write(`benchmark failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
