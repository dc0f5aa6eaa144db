#!/usr/bin/env node
// `lab up`: the whole system in one terminal; Ctrl-C stops every process it started.
import { join } from 'node:path';
import { existsSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { startChaosServer } from './chaos';
import { signalRecorded } from './pid-file';
import { LocalSystem, resolveBroker, type Broker } from './system';
import { BASE } from './catalog';
import { readToolEnv, toolArgs } from './tool-env';
import { LIVE_CONSOLE, liveConsoleEnv, liveConsoleUrl } from './live-console';

function table(system: LocalSystem): string {
  const rows = [['service', 'api', 'sidecar (dapr http)', 'role']];
  for (const s of system.allInstances()) {
    const name = s.replica === 0 ? s.entry.name : `${s.entry.name} (replica ${s.replica + 1})`;
    rows.push([name, s.url, s.daprUrl, s.entry.public ? 'public API' : 'event consumer']);
  }
  if (system.broker === 'kafka') {
    rows.push(['redis', `redis://127.0.0.1:${system.redisPort}`, '', 'state']);
    rows.push(['kafka', system.kafkaBrokers, '', 'broker (KRaft, single node)']);
  } else {
    rows.push(['redis', `redis://127.0.0.1:${system.redisPort}`, '', 'broker + state']);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map(r => r[i]!.length)));
  return rows.map(r => r.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n');
}

async function up(broker: Broker, replicas: number): Promise<void> {
  const started = Date.now();
  process.stdout.write(
    broker === 'kafka'
      ? 'Starting Redis (state), Kafka (broker) and every service with its sidecar; ready means each consumer group has its partitions (about 10 s)...\n'
      : 'Starting Redis (broker and state) and every service with its sidecar...\n',
  );
  const offset = readToolEnv().portOffset;
  // The chaos API (same as the in-cluster controller): stop/start/kill a service, set its fault knobs. Its token is
  // made first: the live console's buttons call it.
  const chaosPort = BASE.chaos + offset;
  const chaosToken = process.env.LAB_CHAOS_TOKEN || randomBytes(16).toString('hex');
  const system = await LocalSystem.start({
    console: true,
    broker,
    withConsole: true,
    replicas,
    serviceEnv: { [LIVE_CONSOLE]: liveConsoleEnv(offset, { port: chaosPort, token: chaosToken }) },
  });
  const order = system.url('order');
  const chaos = await startChaosServer(system, { port: chaosPort, token: chaosToken });
  writeFileSync(
    join(system.runDir, 'tokens.json'),
    JSON.stringify({ chaos: chaosToken, admin: system.adminToken, dapr: system.daprApiToken }),
    {
      mode: 0o600,
    },
  );
  process.stdout.write(
    `\n${table(system)}\n\nAll ${system.services.size} services healthy in ${((Date.now() - started) / 1000).toFixed(1)} s. ` +
      `Logs: ${join(system.runDir, 'logs')}. Ctrl-C stops everything.\n` +
      `Chaos API: http://127.0.0.1:${chaosPort}/chaos/services (Authorization: Bearer <chaos token>); ` +
      `tokens in ${join(system.runDir, 'tokens.json')}\n` +
      `Live console: ${liveConsoleUrl(system.url(LIVE_CONSOLE), system.adminToken)}\n` +
      `Try: curl -s -X POST ${order}/orders -H 'Content-Type: application/json' ` +
      `-d '{"customerId":"c-1","items":[{"sku":"book","quantity":1,"unitPrice":1000}]}'\n\n`,
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping every service, sidecar and Redis...\n`);
    chaos.close();
    await system.stop();
    process.stdout.write('stopped.\n');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

function down(): void {
  const pidFile = join(readToolEnv().runDir, 'pids.json');
  if (!existsSync(pidFile)) {
    process.stdout.write('nothing is running\n');
    return;
  }
  // Only processes that are still the ones the last run started (same boot, same start time): see pid-file.ts.
  const { signalled, skipped } = signalRecorded(pidFile, 'SIGTERM');
  process.stdout.write(`sent SIGTERM to ${signalled.length} process group(s) of the last run\n`);
  if (skipped.length > 0) {
    process.stdout.write(
      `left alone ${skipped.length} live process(es) with a recorded pid that are not the run's (a reboot or a reused pid): ${skipped.join(', ')}\n`,
    );
  }
}

const USAGE = 'lab up [--broker redis|kafka] [--replicas N] | down';

const cmd = process.argv[2] ?? 'up';
if (cmd === 'up') {
  Promise.resolve()
    .then(() => {
      const { values } = toolArgs(
        process.argv.slice(3),
        { broker: { type: 'string' }, replicas: { type: 'string' } },
        USAGE,
      );
      // --replicas N (default $LAB_REPLICAS, else 1): checked like the variable, by the same reader.
      const env = readToolEnv(
        values.replicas === undefined ? process.env : { ...process.env, LAB_REPLICAS: values.replicas },
      );
      return up(resolveBroker(values.broker), env.replicas);
    })
    .catch(err => {
      process.stderr.write(`cannot start the system: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
} else if (cmd === 'down') {
  down();
} else {
  process.stderr.write(`usage: ${USAGE}\n`);
  process.exit(2);
}
