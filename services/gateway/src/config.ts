// gateway's configuration: how slow the simulated external system is.
import { loadServiceConfig, type Env } from '@lab/kit';

export const SERVICE = 'gateway';

export const loadConfig = (env: Env) =>
  loadServiceConfig(env, SERVICE, 3008, r => ({
    /** Added to every authorisation, like a real acquirer's round trip. */
    latencyMs: r.int('GATEWAY_LATENCY_MS', 5, 0, 60_000),
  }));

export type Config = ReturnType<typeof loadConfig>;
