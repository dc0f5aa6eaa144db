// Reads environment variables into typed values, collecting every problem before failing once.
import type { FaultSettings } from './faults';
import type { BulkSettings } from './subscriptions';
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

/** A small reader: call its methods, then `done()` throws a ConfigError listing every bad variable. */
export function envReader(env: Env) {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v === '' ? undefined : v;
  };
  return {
    string(name: string, fallback?: string): string {
      const v = read(name) ?? fallback;
      if (v === undefined) {
        problems.push(`${name} is required`);
        return '';
      }
      return v;
    },
    optional(name: string): string | undefined {
      return read(name);
    },
    int(name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
      const raw = read(name);
      if (raw === undefined) return fallback;
      const n = Number(raw);
      if (!Number.isInteger(n) || n < min || n > max) {
        problems.push(`${name} must be an integer in [${min}, ${max}], got "${raw}"`);
        return fallback;
      }
      return n;
    },
    oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
      const raw = read(name) ?? fallback;
      if (!(allowed as readonly string[]).includes(raw)) {
        problems.push(`${name} must be one of ${allowed.join('|')}, got "${raw}"`);
        return fallback;
      }
      return raw as T;
    },
    done(): void {
      if (problems.length > 0) throw new ConfigError(problems);
    },
  };
}

/** Settings every service shares; each service's config.ts extends it. */
export interface BaseConfig {
  readonly service: string;
  readonly host: string;
  readonly port: number;
  readonly logLevel: string;
  readonly daprHost: string;
  readonly daprHttpPort: number;
  readonly daprApiToken: string | undefined;
  /** Deadline of each state and publish call to the sidecar (DAPR_TIMEOUT_MS); past it the request is a 503. */
  readonly daprTimeoutMs: number;
  readonly appApiToken: string | undefined;
  readonly pubsubName: string;
  readonly stateStore: string;
  /** Bearer token of the admin API (fault knobs, delivery counters); unset = admin API off. */
  readonly adminToken: string | undefined;
  /** Fault knobs at start (FAULT_LATENCY_MS, FAULT_JITTER_MS, FAULT_ERROR_RATE_PCT, FAULT_MAX_RPS); changeable at runtime. */
  readonly faults: FaultSettings;
  /** Port of the separate /metrics listener (METRICS_PORT); unset = no metrics listener (unit tests, tools). */
  readonly metricsPort: number | undefined;
  /** Dapr bulk subscribe for every contract subscription (BULK_MAX_MESSAGES, 0 = off; BULK_MAX_AWAIT_MS). */
  readonly bulk: BulkSettings;
  /**
   * JSON text of the state entries this process last wrote or read, kept so its next update of a key starts without
   * a read (STATE_RECALL_BYTES, default 4 MiB; 0 = every update reads first). See recall.ts.
   */
  readonly stateRecallBytes: number;
  /**
   * Window after which a quiet process gives back its young generation's memory (IDLE_TRIM_MS, default 10 s; 0 = never).
   * See idle-trim.ts.
   */
  readonly idleTrimMs: number;
}

export function readBaseConfig(r: ReturnType<typeof envReader>, service: string, defaultPort: number): BaseConfig {
  return {
    service,
    host: r.string('HOST', '127.0.0.1'),
    port: r.int('APP_PORT', defaultPort, 1, 65535),
    logLevel: r.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    daprHost: r.string('DAPR_HOST', '127.0.0.1'),
    daprHttpPort: r.int('DAPR_HTTP_PORT', 3500, 1, 65535),
    daprApiToken: r.optional('DAPR_API_TOKEN'),
    daprTimeoutMs: r.int('DAPR_TIMEOUT_MS', 5000, 100, 60_000),
    appApiToken: r.optional('APP_API_TOKEN'),
    pubsubName: r.string('PUBSUB_NAME', 'pubsub'),
    stateStore: r.string('STATE_STORE', 'statestore'),
    adminToken: r.optional('ADMIN_TOKEN'),
    faults: {
      latencyMs: r.int('FAULT_LATENCY_MS', 0, 0, 60_000),
      jitterMs: r.int('FAULT_JITTER_MS', 0, 0, 60_000),
      errorRate: r.int('FAULT_ERROR_RATE_PCT', 0, 0, 100) / 100,
      maxRps: r.int('FAULT_MAX_RPS', 0, 0, 100_000),
      dropRate: r.int('FAULT_DROP_RATE_PCT', 0, 0, 100) / 100,
    },
    metricsPort: r.optional('METRICS_PORT') === undefined ? undefined : r.int('METRICS_PORT', 0, 1, 65535),
    bulk: {
      maxMessages: r.int('BULK_MAX_MESSAGES', 0, 0, 1000),
      maxAwaitMs: r.int('BULK_MAX_AWAIT_MS', 5, 1, 10_000),
    },
    stateRecallBytes: r.int('STATE_RECALL_BYTES', 4 * 1024 * 1024, 0, 256 * 1024 * 1024),
    idleTrimMs: r.int('IDLE_TRIM_MS', 10_000, 0, 3_600_000),
  };
}
