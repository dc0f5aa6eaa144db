// What the tooling reads from the environment, read once with kit's envReader (every bad variable named together),
// and arguments parsed with node:util's parseArgs (an unknown flag or a missing value is an error, never ignored).
import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { envReader, type Env } from '@lab/kit';
import { MAX_REPLICAS, REPO_ROOT } from './catalog';

export interface ToolEnv {
  /** LAB_PORT_OFFSET: shifts every local port (a tool's own default when unset, e.g. the benchmark's 15000). */
  portOffset: number;
  /** LAB_RUN_DIR: where a local run keeps its logs, state and tokens.json. */
  runDir: string;
  /** LAB_ADMIN_TOKEN: the admin API's token; otherwise tokens.json of the run. */
  adminToken: string | undefined;
  /** LAB_BROKER, when set. */
  broker: 'redis' | 'kafka' | undefined;
  /** LAB_REPLICAS: instances of every consumer in a local run (1 unless set). */
  replicas: number;
}

export function readToolEnv(env: Env = process.env, defaults: { portOffset?: number } = {}): ToolEnv {
  const r = envReader(env);
  const out: ToolEnv = {
    // Up to ~20000: every derived port stays below the kernel's ephemeral range (catalog.ts).
    portOffset: r.int('LAB_PORT_OFFSET', defaults.portOffset ?? 0, 0, 20_000),
    runDir: r.string('LAB_RUN_DIR', join(REPO_ROOT, '.run')),
    adminToken: r.optional('LAB_ADMIN_TOKEN'),
    broker:
      r.optional('LAB_BROKER') === undefined ? undefined : r.oneOf('LAB_BROKER', ['redis', 'kafka'] as const, 'redis'),
    replicas: r.int('LAB_REPLICAS', 1, 1, MAX_REPLICAS),
  };
  r.done();
  return out;
}

/** parseArgs, strict, with the usage line in the error a person sees. */
export function toolArgs<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O, usage: string) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : String(err)}\nusage: ${usage}`, { cause: err });
  }
}
