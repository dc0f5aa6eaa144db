// Rates and durations per scenario, default and SHORT=1; durations in seconds so phases can be computed.
import { env } from './env.js';

const pick = (normal, short) => (env.SHORT ? short : normal);

export const profiles = {
  smoke: { iterations: pick(5, 2) },
  load: { rate: pick(20, 5), seconds: pick(300, 30), signupShare: 0.2 },
  // healthy, then notification stopped through the chaos API, then started again.
  isolation: {
    rate: pick(10, 5),
    healthy: pick(60, 15),
    fault: pick(60, 15),
    after: pick(60, 15),
    settle: pick(10, 5),
  },
  burst: {
    base: pick(5, 3),
    spike: pick(50, 30),
    calm: pick(30, 10),
    spikeFor: pick(30, 10),
    consumerRps: pick(20, 10),
    customers: 20,
  },
  convergence: { rate: pick(5, 2), seconds: pick(120, 20), deadlineMs: 30000 },
};

/** Which phase a request started in, from the scenario's elapsed time; `settle` seconds after a switch are excluded. */
export function phaseAt(elapsedS, p) {
  const stop = p.healthy;
  const start = p.healthy + p.fault;
  if (elapsedS < stop) return 'healthy';
  if (elapsedS < stop + p.settle) return 'transition';
  if (elapsedS < start) return 'fault';
  if (elapsedS < start + p.settle) return 'transition';
  return 'after';
}
