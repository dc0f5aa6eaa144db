// The pass/fail rules of issue 6, in one place so the scenarios state them the same way.
export const ACCEPT_P95_MS = 300;
export const BURST_ACCEPT_P95_MS = 500;
export const CONVERGENCE_P95_MS = 5000;

export const thresholds = {
  smoke: { checks: ['rate==1'] },
  load: {
    'http_req_failed{flow:event}': ['rate<0.001'],
    'http_req_duration{flow:event}': [`p(95)<${ACCEPT_P95_MS}`],
    'http_req_failed{flow:signup}': ['rate<0.001'],
  },
  isolation: {
    // The event flow keeps >= 99.9% success across the whole run, the fault included.
    'http_req_failed{flow:event}': ['rate<0.001'],
    // Its p95 under the fault stays within 1.5x the healthy baseline measured in setup().
    'event_latency_vs_baseline{phase:fault}': ['p(95)<=1.5'],
    // The chain follows the failure: it works when healthy, fails while notification is down, recovers after.
    'sync_failed{phase:healthy}': ['rate<0.01'],
    'sync_failed{phase:fault}': ['rate>=0.95'],
    'sync_failed{phase:after}': ['rate<0.05'],
  },
  burst: {
    'http_req_failed{flow:event}': ['rate<0.001'],
    'http_req_duration{flow:event,phase:spike}': [`p(95)<${BURST_ACCEPT_P95_MS}`],
    orders_converged: ['rate==1'],
  },
  convergence: {
    'http_req_failed{flow:event}': ['rate<0.001'],
    order_convergence: [`p(95)<${CONVERGENCE_P95_MS}`],
    order_converged: ['rate>0.999'],
  },
};
