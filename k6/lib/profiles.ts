// Rates and durations per scenario, default and SHORT=1; durations in seconds so phases can be computed.

const pick = (short: boolean) => (normal: number, shortValue: number) => (short ? shortValue : normal);

export function profilesFor(short: boolean) {
  const p = pick(short);
  return {
    smoke: { iterations: p(5, 2), shipDeadlineMs: 20_000 },
    load: { rate: p(20, 5), seconds: p(300, 30), signupShare: 0.2, preAllocatedVUs: 20, maxVUs: 200 },
    // healthy, then notification stopped through the chaos API, then started again.
    isolation: {
      rate: p(10, 5),
      healthy: p(60, 15),
      fault: p(60, 15),
      after: p(60, 15),
      settle: p(10, 5),
      baselineSamples: 60,
      baselineWarmup: 10,
    },
    burst: {
      base: p(5, 3),
      spike: p(50, 30),
      calm: p(30, 10),
      spikeFor: p(30, 10),
      consumerRps: p(20, 10),
      customers: 20,
      convergeDeadlineMs: 150_000,
    },
    convergence: { rate: p(5, 2), seconds: p(120, 20), deadlineMs: 30_000, customers: 50 },
  };
}

export type Profiles = ReturnType<typeof profilesFor>;
export type IsolationProfile = Profiles['isolation'];
export type BurstProfile = Profiles['burst'];

export type IsolationPhase = 'healthy' | 'transition' | 'fault' | 'after';

/** The isolation run's length: healthy, fault, after. */
export const isolationSeconds = (p: IsolationProfile) => p.healthy + p.fault + p.after;

/** Which phase a request started in, from the scenario's elapsed time; `settle` seconds after a switch are excluded. */
export function phaseAt(elapsedS: number, p: IsolationProfile): IsolationPhase {
  const stop = p.healthy;
  const start = p.healthy + p.fault;
  if (elapsedS < stop) return 'healthy';
  if (elapsedS < stop + p.settle) return 'transition';
  if (elapsedS < start) return 'fault';
  if (elapsedS < start + p.settle) return 'transition';
  return 'after';
}

/** The burst's arrival rate: calm at `base`, a one-second ramp to `spike`, held, back down, calm again. */
export const burstStages = (p: BurstProfile) => [
  { target: p.base, duration: `${p.calm}s` },
  { target: p.spike, duration: '1s' },
  { target: p.spike, duration: `${p.spikeFor - 1}s` },
  { target: p.base, duration: '1s' },
  { target: p.base, duration: `${p.calm - 1}s` },
];

/** The burst's length; the convergence check starts after it. */
export const burstSeconds = (p: BurstProfile) => p.calm * 2 + p.spikeFor;

export const burstPhaseAt = (elapsedS: number, p: BurstProfile): 'before' | 'spike' | 'after' =>
  elapsedS < p.calm ? 'before' : elapsedS < p.calm + p.spikeFor + 1 ? 'spike' : 'after';

/** The nearest-rank 95th percentile (the healthy baseline of failure-isolation); undefined for no samples. */
export function p95(samples: readonly number[]): number | undefined {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.ceil(sorted.length * 0.95) - 1];
}
