// Each scenario's report: its title, the lecture sections it drives from outside, and the rules that decide it.
import type { ReportSpec } from './summary.ts';
import { rules } from './thresholds.ts';

export const reports = {
  smoke: {
    name: 'smoke',
    title: 'Smoke: one order to SHIPPED, its timeline, the chain, a sign-up, an idempotent replay, the chaos guard',
    lecture: '2, 7-2, 7-3',
    rules: rules.smoke,
  },
  load: {
    name: 'load',
    title: 'Load: a steady arrival rate of orders and sign-ups',
    lecture: '3, 8',
    rules: rules.load,
  },
  isolation: {
    name: 'failure-isolation',
    title: 'Failure isolation: both flows while the chaos API stops notification',
    lecture: '3, 5, 6-1',
    rules: rules.isolation,
  },
  burst: {
    name: 'burst',
    title: 'Burst: a 10x spike against a slow consumer',
    lecture: '5, 6-3, 7-1',
    rules: rules.burst,
  },
  convergence: {
    name: 'convergence',
    title: 'Convergence: from POST to SHIPPED under a steady rate',
    lecture: '7-1',
    rules: rules.convergence,
  },
} satisfies Record<string, ReportSpec>;
