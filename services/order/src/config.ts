// order's configuration, parsed once from the environment.
import { loadServiceConfig, type Env } from '@lab/kit';

export const SERVICE = 'order';

export const loadConfig = (env: Env) =>
  loadServiceConfig(env, SERVICE, 3000, r => ({
    /** App id of the audit log, asked for an order's timeline. */
    auditAppId: r.string('AUDIT_APP_ID', 'audit'),
    /**
     * Open orders (see domain/open-orders.ts): announced again after this long without an outcome (0: no watch at
     * all, no index kept; the end-to-end guarantee then rests on every hop alone)...
     */
    staleAfterMs: r.int('ORDER_STALE_AFTER_MS', 60_000, 0, 86_400_000),
    /** ...looked for this often (0: never; an operator can still sweep through the admin API)... */
    sweepEveryMs: r.int('ORDER_SWEEP_EVERY_MS', 5_000, 0, 3_600_000),
    /** ...and at most this many times per order, with the wait doubling each time; then it is listed as stuck. */
    maxReannouncements: r.int('ORDER_MAX_REANNOUNCEMENTS', 6, 0, 100),
  }));

export type Config = ReturnType<typeof loadConfig>;
