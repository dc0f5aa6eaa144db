// The CLI's command line as data: parsed and validated without touching a cluster.
import { parseArgs } from 'node:util';
import { FaultSettings } from '@lab/kit';
import type { Faults } from './targets';

export const USAGE = `usage: node services/chaos/dist/cli.js <command> [service] [options]
  list                 every service and whether it runs
  stop <service>       scale to zero, remembering the replica count
  start <service>      restore the remembered replica count
  kill <service>       delete the service's pods (grace period 0)
  faults <service>     set fault knobs: --latency-ms N --jitter-ms N --error-rate 0..1 --max-rps N --drop-rate 0..1
options:
  -n, --namespace NS   namespace of the release (default $CHAOS_NAMESPACE, else eda-lab)
  --catalog PATH       the services and their ports (default services/catalog.json)
  --base-url URL       faults: where the service answers (default http://127.0.0.1:<port>, e.g. a port-forward);
                       the admin token comes from $ADMIN_TOKEN`;

export type CliCommand =
  | { command: 'list'; namespace: string; catalog: string }
  | { command: 'stop' | 'start' | 'kill'; service: string; namespace: string; catalog: string }
  | { command: 'faults'; service: string; namespace: string; catalog: string; faults: Faults; baseUrl?: string };

const COMMANDS = ['list', 'stop', 'start', 'kill', 'faults'] as const;

function num(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) throw new Error(`--${flag} must be a number, got "${raw}"`);
  return n;
}

/** Throws an Error whose message is meant for the user (with the usage when the command is unknown). */
export function parseCli(argv: readonly string[], env: Record<string, string | undefined> = {}): CliCommand {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      namespace: { type: 'string', short: 'n' },
      catalog: { type: 'string' },
      'base-url': { type: 'string' },
      'latency-ms': { type: 'string' },
      'jitter-ms': { type: 'string' },
      'error-rate': { type: 'string' },
      'max-rps': { type: 'string' },
      'drop-rate': { type: 'string' },
    },
  });
  const [command, service, ...extra] = positionals;
  if (!command || !(COMMANDS as readonly string[]).includes(command)) throw new Error(USAGE);
  if (extra.length > 0) throw new Error(`unexpected arguments: ${extra.join(' ')}`);
  const namespace = values.namespace ?? env.CHAOS_NAMESPACE ?? 'eda-lab';
  const catalog = values.catalog ?? 'services/catalog.json';
  if (command === 'list') return { command, namespace, catalog };
  if (!service) throw new Error(`${command} needs a service name`);
  if (command !== 'faults') return { command: command as 'stop' | 'start' | 'kill', service, namespace, catalog };
  const candidate = {
    latencyMs: num('latency-ms', values['latency-ms']),
    jitterMs: num('jitter-ms', values['jitter-ms']),
    errorRate: num('error-rate', values['error-rate']),
    maxRps: num('max-rps', values['max-rps']),
    dropRate: num('drop-rate', values['drop-rate']),
  };
  const given = Object.fromEntries(Object.entries(candidate).filter(([, v]) => v !== undefined)) as Faults;
  const faults = FaultSettings.safeParse(given);
  if (!faults.success) {
    throw new Error(`invalid faults: ${faults.error.issues.map(i => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  if (Object.keys(given).length === 0)
    throw new Error('faults needs at least one of --latency-ms --jitter-ms --error-rate --max-rps --drop-rate');
  return {
    command,
    service,
    namespace,
    catalog,
    faults: given,
    ...(values['base-url'] ? { baseUrl: values['base-url'] } : {}),
  };
}
