// What tracing and metrics cost in daprd: the same step on two fresh systems, one with components/config.yaml as
// shipped (every request sampled, metrics on) and one with sampling 0 and metrics off; CPU per order of each.
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@lab/runtime';
import { LocalSystem, type Broker } from '@lab/runtime';
import { flowStep, footprints } from './flow';

export interface ObservabilityCost {
  rate: number;
  /** CPU ms per order in the sidecars and in the apps, as shipped and with tracing and metrics off. */
  shipped: { daprdMs: number; appsMs: number; orders: number };
  quiet: { daprdMs: number; appsMs: number; orders: number };
}

async function measure(broker: Broker, rate: number, seconds: number, offset: number, runDir: string, config?: string) {
  const sys = await LocalSystem.start({
    broker,
    portOffset: offset,
    runDir,
    appEnv: { LOG_LEVEL: 'warn' },
    startTimeoutMs: 180_000,
    ...(config ? { daprConfig: config } : {}),
  });
  try {
    await flowStep(sys, 10, 1); // warm-up
    const before = footprints(sys);
    const step = await flowStep(sys, rate, seconds);
    const after = footprints(sys);
    const spent = (k: 'app' | 'daprd') =>
      after.reduce((n, x, i) => n + ((x[k]?.cpuSeconds ?? 0) - (before[i]?.[k]?.cpuSeconds ?? 0)), 0);
    const per = (cpu: number) => Math.round(((cpu * 1000) / Math.max(1, step.accepted)) * 10) / 10;
    return { daprdMs: per(spent('daprd')), appsMs: per(spent('app')), orders: step.accepted };
  } finally {
    await sys.stop();
  }
}

export async function observabilityCost(
  broker: Broker,
  o: { rate: number; seconds: number; offset: number; runDir: string },
): Promise<ObservabilityCost> {
  mkdirSync(o.runDir, { recursive: true });
  const quietConfig = join(o.runDir, 'config-quiet.yaml');
  const shipped = readFileSync(join(REPO_ROOT, 'components', 'config.yaml'), 'utf8');
  const quiet = shipped.replace(/samplingRate: '1'/, "samplingRate: '0'").replace(/enabled: true/, 'enabled: false');
  if (quiet === shipped)
    throw new Error('components/config.yaml no longer has the sampling and metric lines to turn off');
  writeFileSync(quietConfig, quiet);
  return {
    rate: o.rate,
    shipped: await measure(broker, o.rate, o.seconds, o.offset, join(o.runDir, 'shipped')),
    quiet: await measure(broker, o.rate, o.seconds, o.offset, join(o.runDir, 'quiet'), quietConfig),
  };
}
