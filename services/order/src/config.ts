// order's configuration, parsed once from the environment.
import { loadServiceConfig, type Env } from '@lab/kit';

export const SERVICE = 'order';

export const loadConfig = (env: Env) =>
  loadServiceConfig(env, SERVICE, 3000, r => ({
    /** App id of the audit log, asked for an order's timeline. */
    auditAppId: r.string('AUDIT_APP_ID', 'audit'),
  }));

export type Config = ReturnType<typeof loadConfig>;
