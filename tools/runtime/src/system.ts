// The local runtime: Redis (and Kafka when it is the broker), then every service with its own daprd, started
// together, watched, stopped together.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BASE, portEnvName, portsFor, readCatalog, REPO_ROOT, type Ports, type ServiceEntry } from './catalog';
import { readToolEnv } from './tool-env';
import { LIVE_CONSOLE } from './live-console';
import { formatAppLine, prefixer, redisLineWorthShowing, sidecarLineWorthShowing } from './console';
import {
  KAFKA_BASE,
  kafkaLineWorthShowing,
  kafkaProcess,
  prepareKafka,
  waitForConsumerGroup,
  waitForKafka,
} from './kafka';
import { writeAppConfig } from './access-control';
import { daprdArgs } from './daprd-args';
import { ManagedProcess } from './process';
import { removePidFile, signalRecorded, writePidFile } from './pid-file';
import { heldDeliveries, redisProcess, releasePending, waitForRedis, type HeldDelivery } from './redis';
import { httpStatus, waitFor } from './wait';

/** How idle a released delivery is made: longer than any processingTimeout (components/pubsub/redis). */
const RELEASED_IDLE_MS = 24 * 3_600_000;

export interface SystemOptions {
  /** Where logs, Redis data and the name-resolution database go (default: <repo>/.run). */
  runDir?: string;
  /** Shifts every port (default: $LAB_PORT_OFFSET or 0). */
  portOffset?: number;
  /** A subset of the catalog (default: all services, the live console only with `withConsole`). */
  services?: string[];
  /**
   * Start the live console too (default false): `./lab up` and its browser test do; the other suites and demos
   * leave this tenth app and its sidecar out (they read the services, not the page).
   */
  withConsole?: boolean;
  /** Extra environment for one app, by service name (e.g. the console's chaos API). */
  serviceEnv?: Record<string, Record<string, string>>;
  /** Stream prefixed logs to stdout. */
  console?: boolean;
  /** Extra environment for every app. */
  appEnv?: Record<string, string>;
  daprdBin?: string;
  startTimeoutMs?: number;
  /** Wipe Redis data from an earlier run (default true): each start is a clean system. */
  fresh?: boolean;
  /** Services prepared but not started (start them later with startService: a late subscriber). */
  deferred?: string[];
  /** The pub/sub broker (default: $LAB_BROKER, else redis). Redis runs either way: it is the state store. */
  broker?: Broker;
  /** The Dapr Configuration every sidecar loads (default: components/config.yaml). */
  daprConfig?: string;
  /**
   * Instances of every consumer (a service that subscribes; not the live console, whose board is in memory), each
   * with its own daprd, competing in the one consumer group of their app id (default $LAB_REPLICAS, else 1).
   */
  replicas?: number;
}

export type Broker = 'redis' | 'kafka';

/** The broker named by an option or $LAB_BROKER; anything else is an error rather than a silent Redis. */
export function resolveBroker(name = process.env.LAB_BROKER): Broker {
  if (name === undefined || name === '' || name === 'redis') return 'redis';
  if (name === 'kafka') return 'kafka';
  throw new Error(`unknown broker "${name}" (expected redis or kafka)`);
}

export interface ServiceHandle {
  entry: ServiceEntry;
  /** 0 for the instance the catalog describes (its ports, its URL), 1.. for the other replicas. */
  replica: number;
  ports: Ports;
  /** The app's own URL (public API). */
  url: string;
  /** The sidecar's HTTP API. */
  daprUrl: string;
  app: ManagedProcess;
  sidecar: ManagedProcess;
}

const COMPONENTS = join(REPO_ROOT, 'components');

export function daprdBinary(explicit?: string): string {
  const candidates = [explicit, process.env.DAPRD_BIN, join(process.env.HOME ?? '', '.dapr', 'bin', 'daprd')];
  for (const c of candidates) if (c && existsSync(c)) return c;
  return 'daprd';
}

/**
 * Kills process groups a crashed earlier run left behind (<runDir>/pids.json), but only those that are provably
 * still its processes (same boot, same start time): after a reboot the same pids belong to someone else.
 */
function reapStale(pidFile: string): void {
  const { skipped } = signalRecorded(pidFile, 'SIGKILL');
  if (skipped.length > 0) {
    process.stderr.write(
      `${pidFile}: left alone ${skipped.length} live process(es) whose pid was recorded but which are not ` +
        `the ones that run started (${skipped.join(', ')}): a reboot or a reused pid\n`,
    );
  }
  removePidFile(pidFile);
}

export class LocalSystem {
  /** The first instance of each service (the one the catalog's ports describe), by name. */
  readonly services = new Map<string, ServiceHandle>();
  /** Every instance of each service, the first one included, by name. */
  private readonly instancesByName = new Map<string, ServiceHandle[]>();
  readonly replicas: number;
  readonly redisPort: number;
  /** Redis asks every client for it (the sidecars get it as LAB_REDIS_PASSWORD); fresh per run unless set. */
  readonly redisPassword = process.env.LAB_REDIS_PASSWORD || randomBytes(16).toString('hex');
  readonly broker: Broker;
  /** host:port of Kafka's client listener (only meaningful when broker is kafka). */
  readonly kafkaBrokers: string;
  readonly runDir: string;
  /** Sidecar -> app token (APP_API_TOKEN) and app -> sidecar token (DAPR_API_TOKEN), fresh per run. */
  readonly appApiToken = randomBytes(16).toString('hex');
  readonly daprApiToken = randomBytes(16).toString('hex');
  /** Bearer token of every service's admin API (fault knobs, delivery counters, dead letters). */
  readonly adminToken = readToolEnv().adminToken || randomBytes(16).toString('hex');
  private redis: ManagedProcess;
  private readonly kafka: ManagedProcess | undefined;
  private readonly kafkaPorts: { broker: number; controller: number };
  private readonly pidFile: string;
  private readonly timeoutMs: number;
  private readonly deferred: Set<string>;

  private constructor(opts: SystemOptions) {
    const env = readToolEnv();
    const offset = opts.portOffset ?? env.portOffset;
    this.runDir = opts.runDir ?? env.runDir;
    this.pidFile = join(this.runDir, 'pids.json');
    this.timeoutMs = opts.startTimeoutMs ?? 60_000;
    this.deferred = new Set(opts.deferred ?? []);
    this.replicas = opts.replicas ?? env.replicas;
    this.redisPort = Number(process.env.LAB_REDIS_PORT ?? BASE.redis + offset);
    this.broker = opts.broker ?? resolveBroker();
    this.kafkaPorts = { broker: KAFKA_BASE.broker + offset, controller: KAFKA_BASE.controller + offset };
    this.kafkaBrokers = `127.0.0.1:${this.kafkaPorts.broker}`;

    reapStale(this.pidFile);
    if (opts.fresh !== false) {
      rmSync(join(this.runDir, 'redis'), { recursive: true, force: true });
      rmSync(join(this.runDir, 'kafka'), { recursive: true, force: true });
    }
    rmSync(join(this.runDir, 'name-resolution.db'), { force: true });
    for (const d of ['logs', 'redis']) mkdirSync(join(this.runDir, d), { recursive: true });

    const catalog = readCatalog();
    const wanted =
      opts.services ?? catalog.map(s => s.name).filter(n => n !== LIVE_CONSOLE || opts.withConsole === true);
    const unknown = wanted.filter(n => !catalog.some(s => s.name === n));
    if (unknown.length > 0) throw new Error(`unknown service(s): ${unknown.join(', ')}`);
    const entries = catalog.filter(s => wanted.includes(s.name));
    const countOf = (e: ServiceEntry) => (e.subscribes.length > 0 && e.name !== LIVE_CONSOLE ? this.replicas : 1);
    const labelOf = (e: ServiceEntry, r: number) => (r === 0 ? e.name : `${e.name}.${r + 1}`);
    const prefix = prefixer(entries.flatMap(e => Array.from({ length: countOf(e) }, (_, r) => labelOf(e, r))));
    const out = (line: string) => process.stdout.write(line + '\n');
    this.redis = redisProcess(
      this.redisPort,
      this.runDir,
      this.redisPassword,
      opts.console ? l => redisLineWorthShowing(l) && out(prefix('redis') + l) : undefined,
    );
    this.kafka =
      this.broker === 'kafka'
        ? kafkaProcess(
            this.runDir,
            opts.console ? l => kafkaLineWorthShowing(l) && out(prefix('kafka') + l) : undefined,
          )
        : undefined;

    for (const entry of entries) {
      for (let r = 0; r < countOf(entry); r++) this.addInstance(opts, entry, r, labelOf(entry, r), offset, prefix, out);
    }
  }

  /** One instance of a service: its sidecar and its app, on the ports of replica `r` (nothing is started). */
  private addInstance(
    opts: SystemOptions,
    entry: ServiceEntry,
    r: number,
    label: string,
    offset: number,
    prefix: ReturnType<typeof prefixer>,
    out: (line: string) => void,
  ): void {
    const override = process.env[portEnvName(entry.name)];
    const ports = portsFor(entry, offset, override ? Number(override) : undefined, r);
    const daprEnv = {
      ...process.env,
      LAB_REDIS_HOST: `127.0.0.1:${this.redisPort}`,
      LAB_REDIS_PASSWORD: this.redisPassword,
      LAB_KAFKA_BROKERS: this.kafkaBrokers,
      LAB_RUN_DIR: this.runDir,
      APP_API_TOKEN: this.appApiToken,
      DAPR_API_TOKEN: this.daprApiToken,
    };
    const sidecar = new ManagedProcess({
      name: `${label}:dapr`,
      command: daprdBinary(opts.daprdBin),
      args: daprdArgs({
        appId: entry.name,
        ports,
        componentsDir: COMPONENTS,
        broker: this.broker,
        // Each app's own Configuration: the shared one plus who may invoke this app (access-control.ts).
        configFile: writeAppConfig(
          opts.daprConfig ?? join(COMPONENTS, 'config.yaml'),
          entry.name,
          join(this.runDir, 'dapr-config'),
        ),
      }),
      env: daprEnv,
      cwd: this.runDir,
      logFile: join(this.runDir, 'logs', `${label}.dapr.log`),
      restart: true,
      onSupervisor: m => this.supervised(m, opts.console ? prefix(label, true) : undefined),
      ...(opts.console ? { onLine: (l: string) => sidecarLineWorthShowing(l) && out(prefix(label, true) + l) } : {}),
    });
    const app = new ManagedProcess({
      name: label,
      command: process.execPath,
      args: ['--enable-source-maps', join(REPO_ROOT, 'services', entry.name, 'dist', 'main.js')],
      env: {
        ...process.env,
        ...opts.appEnv,
        ...opts.serviceEnv?.[entry.name],
        APP_ID: entry.name,
        HOST: '127.0.0.1',
        APP_PORT: String(ports.app),
        METRICS_PORT: String(ports.appMetrics),
        DAPR_HOST: '127.0.0.1',
        DAPR_HTTP_PORT: String(ports.daprHttp),
        DAPR_GRPC_PORT: String(ports.daprGrpc),
        APP_API_TOKEN: this.appApiToken,
        DAPR_API_TOKEN: this.daprApiToken,
        ADMIN_TOKEN: this.adminToken,
      },
      cwd: REPO_ROOT,
      logFile: join(this.runDir, 'logs', `${label}.log`),
      restart: true,
      onSupervisor: m => this.supervised(m, opts.console ? prefix(label) : undefined),
      ...(opts.console ? { onLine: (l: string) => out(prefix(label) + formatAppLine(l)) } : {}),
    });
    const handle: ServiceHandle = {
      entry,
      replica: r,
      ports,
      url: `http://127.0.0.1:${ports.app}`,
      daprUrl: `http://127.0.0.1:${ports.daprHttp}`,
      app,
      sidecar,
    };
    if (r === 0) this.services.set(entry.name, handle);
    this.instancesByName.set(entry.name, [...(this.instancesByName.get(entry.name) ?? []), handle]);
  }

  static async start(opts: SystemOptions = {}): Promise<LocalSystem> {
    const system = new LocalSystem(opts);
    try {
      system.redis.start();
      system.savePids();
      if (system.kafka) {
        await prepareKafka(system.runDir, system.kafkaPorts);
        system.kafka.start();
        system.savePids();
      }
      await waitForRedis(system.redisPort, system.redisPassword);
      if (system.kafka) await waitForKafka(system.kafka, system.kafkaBrokers, system.timeoutMs);
      const now = [...system.services.keys()].filter(n => !system.deferred.has(n));
      for (const i of now.flatMap(n => system.instances(n))) {
        i.sidecar.start();
        i.app.start();
      }
      system.savePids();
      await Promise.all(now.map(n => system.waitHealthy(n)));
    } catch (err) {
      await system.stop();
      throw err;
    }
    return system;
  }

  service(name: string): ServiceHandle {
    const s = this.services.get(name);
    if (!s) throw new Error(`service ${name} is not part of this system`);
    return s;
  }

  url(name: string): string {
    return this.service(name).url;
  }

  /** Every instance of a service (one unless it is a consumer and `replicas` is above 1), the first one first. */
  instances(name: string): ServiceHandle[] {
    this.service(name);
    return this.instancesByName.get(name) ?? [];
  }

  /** Every instance of every service. */
  allInstances(): ServiceHandle[] {
    return [...this.instancesByName.values()].flat();
  }

  /** What the supervisor said (unexpected exits, restarts), oldest first; also on the console and in the logs. */
  readonly supervisorLog: { at: number; message: string }[] = [];

  private supervised(message: string, consolePrefix: string | undefined): void {
    this.supervisorLog.push({ at: Date.now(), message });
    if (consolePrefix !== undefined) process.stdout.write(consolePrefix + message + '\n');
    this.savePids();
  }

  /**
   * Both processes up, the sidecar ready (it has the app's subscriptions), the app ready. A process that is down
   * fails the wait at once, unless `restarting` (the supervisor is bringing it back).
   */
  async waitHealthy(name: string, timeoutMs = this.timeoutMs, restarting = false): Promise<void> {
    const all = this.instances(name);
    await Promise.all(all.map(s => this.waitInstanceHealthy(s, timeoutMs, restarting)));
    // On Kafka the sidecar reports healthy before its consumer group has joined; wait for the assignment.
    if (this.broker === 'kafka') {
      await waitForConsumerGroup(this.kafkaBrokers, name, all[0]!.entry.subscribes, timeoutMs, all.length);
    }
  }

  private async waitInstanceHealthy(s: ServiceHandle, timeoutMs: number, restarting: boolean): Promise<void> {
    const name = s.replica === 0 ? s.entry.name : `${s.entry.name} (replica ${s.replica + 1})`;
    const check = async (label: string, url: string, ok: number[]) => {
      await waitFor(
        async () => {
          for (const p of [s.app, s.sidecar]) {
            if (!p.running && !(restarting && p.restarting)) {
              throw new Error(`${p.spec.name} exited with code ${p.exitCode}; see ${p.spec.logFile}`);
            }
          }
          const status = await httpStatus(url);
          if (ok.includes(status)) return true;
          throw new Error(`${url} answered ${status}`);
        },
        { timeoutMs, what: `${name} ${label}`, intervalMs: 150 },
      );
    };
    await check('app', `${s.url}/healthz`, [200]);
    await check('sidecar', `${s.daprUrl}/v1.0/healthz`, [204]);
    await check('readiness', `${s.url}/readyz`, [200]);
  }

  /** Starts a service's sidecar and app (e.g. one deferred at start) and waits until it is healthy. */
  async startService(name: string): Promise<void> {
    for (const s of this.instances(name)) {
      s.sidecar.start();
      s.app.start();
    }
    this.savePids();
    await this.waitHealthy(name);
  }

  /**
   * A graceful stop takes the sidecar down first, while its app still answers: daprd stops reading the broker and
   * drains the deliveries it holds, so nothing stays pending on the broker. Stopping both at once (the app exits
   * first) left the deliveries daprd held unacknowledged: Redis hands those out again only after the component's
   * processingTimeout (320 s), so a stop-and-start looked like lost events for five minutes. daprd's drain does
   * not cover what it had read but not yet dispatched, so on Redis the runtime, which knows this consumer is gone,
   * then releases what its group still holds: the next daprd of the service claims it at once. (A crash, kill -9,
   * is not helped: it waits the processingTimeout, as on a cluster.)
   */
  async stopService(name: string, opts: { kill?: boolean } = {}): Promise<void> {
    const all = this.instances(name);
    const s = all[0]!;
    if (opts.kill) {
      await Promise.all(all.flatMap(i => [i.app.kill(), i.sidecar.kill()]));
      return;
    }
    await Promise.all(all.map(i => i.sidecar.stop()));
    await Promise.all(all.map(i => i.app.stop()));
    if (this.broker === 'redis') {
      // Best effort: if it fails, the held deliveries still come back, after the processingTimeout. Say so.
      await releasePending(
        { port: this.redisPort, password: this.redisPassword },
        s.entry.subscribes,
        name,
        RELEASED_IDLE_MS,
      ).catch((err: Error) =>
        process.stderr.write(`${name}: held deliveries not released (${err.message}); Redis redelivers them later\n`),
      );
    }
  }

  /**
   * kill -9 of a service's app and/or sidecar as a crash would be: the supervisor restarts them; resolves once the
   * service is healthy again.
   */
  async crashService(name: string, which: 'app' | 'sidecar' | 'both' = 'both'): Promise<void> {
    const procs = this.instances(name).flatMap(s =>
      which === 'both' ? [s.app, s.sidecar] : [which === 'app' ? s.app : s.sidecar],
    );
    await Promise.all(procs.map(p => p.crash()));
    await this.waitHealthy(name, this.timeoutMs, true);
  }

  /** The app of every instance of a service. */
  async stopApp(name: string, opts: { kill?: boolean } = {}): Promise<void> {
    await Promise.all(this.instances(name).map(s => (opts.kill ? s.app.kill() : s.app.stop())));
  }

  async startApp(name: string): Promise<void> {
    for (const s of this.instances(name)) s.app.start();
    this.savePids();
    await this.waitHealthy(name);
  }

  /** The sidecar of every instance of a service. */
  async stopSidecar(name: string, opts: { kill?: boolean } = {}): Promise<void> {
    await Promise.all(this.instances(name).map(s => (opts.kill ? s.sidecar.kill() : s.sidecar.stop())));
  }

  async startSidecar(name: string): Promise<void> {
    for (const s of this.instances(name)) s.sidecar.start();
    this.savePids();
    await this.waitHealthy(name);
  }

  /**
   * On Redis, every delivery a consumer group has handed out and not had acknowledged, with the event it carries
   * (none on Kafka, whose groups keep an offset, not a list).
   */
  async heldDeliveries(): Promise<HeldDelivery[]> {
    if (this.broker !== 'redis') return [];
    const redis = { port: this.redisPort, password: this.redisPassword };
    const held: HeldDelivery[] = [];
    for (const [name, s] of this.services) held.push(...(await heldDeliveries(redis, s.entry.subscribes, name)));
    return held;
  }

  /** Stops Redis (SIGTERM: it writes its append-only file) and starts it again on the same data. */
  async restartRedis(downMs = 0): Promise<void> {
    await this.redis.stop();
    if (downMs > 0) await new Promise(r => setTimeout(r, downMs));
    this.redis.start();
    this.savePids();
    await waitForRedis(this.redisPort, this.redisPassword);
  }

  /**
   * Stops the pub/sub broker (SIGTERM: a clean shutdown that keeps its data) and starts it again; `downMs` keeps
   * it down that long. Kafka is ready again once a client round trip works; consumer groups rejoin on their own.
   */
  async restartBroker(downMs = 0): Promise<void> {
    if (!this.kafka) return this.restartRedis(downMs);
    await this.kafka.stop();
    if (downMs > 0) await new Promise(r => setTimeout(r, downMs));
    await prepareKafka(this.runDir, this.kafkaPorts);
    this.kafka.start();
    this.savePids();
    await waitForKafka(this.kafka, this.kafkaBrokers, this.timeoutMs);
  }

  /** Every pid this system started (for the no-orphan test). */
  pids(): number[] {
    const brokers = this.kafka ? [this.redis, this.kafka] : [this.redis];
    const all = [...brokers, ...this.allInstances().flatMap(s => [s.app, s.sidecar])];
    return all.map(p => p.pid).filter((p): p is number => p !== undefined);
  }

  async stop(): Promise<void> {
    await Promise.all(this.allInstances().flatMap(s => [s.app.stop(), s.sidecar.stop()]));
    await Promise.all([this.redis.stop(), this.kafka?.stop()]);
    removePidFile(this.pidFile);
  }

  private savePids(): void {
    writePidFile(this.pidFile, this.pids());
  }
}
