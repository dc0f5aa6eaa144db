// The shared skeleton of every service's main.ts and config.ts.
import type Koa from 'koa';
import { envReader, readBaseConfig, type BaseConfig, type Env } from './config';
import { connectDapr, type DaprPorts } from './dapr';
import { createLogger, type Logger } from './logger';
import { runService } from './run';
import { createHttpShell } from './http';
import { mountSubscriptions, type RawSubscription, type Subscription } from './subscriptions';
import type Router from '@koa/router';
import type { HttpApi } from '@lab/contracts';
import type { GuardRule } from './guard';
import { mountOpenApi } from './openapi-route';
import type { PeriodicTask } from './tasks';
import { withKeyChecks } from './keys';
import { countingBus } from './metrics';

type Reader = ReturnType<typeof envReader>;

/** Parses the base settings plus a service's own (`extra`), once, listing every problem. */
export function loadServiceConfig<X extends object = object>(
  env: Env,
  service: string,
  defaultPort: number,
  extra?: (r: Reader) => X,
): BaseConfig & X {
  const r = envReader(env);
  const base = readBaseConfig(r, service, defaultPort);
  const more = extra ? extra(r) : ({} as X);
  r.done();
  return Object.freeze({ ...base, ...more });
}

export interface ServiceDeps<C extends BaseConfig> {
  config: C;
  log: Logger;
  dapr: DaprPorts;
}

/** What every createApp takes: the service's config, a logger, the Dapr ports, and test seams for time and ids. */
export interface AppDeps<C extends BaseConfig> extends ServiceDeps<C> {
  now?: () => Date;
  newId?: () => string;
}

/** The router a service's routes are added to (kit's own type: services do not import @koa/router). */
export type ServiceRouter = Router;

/** What a service is, besides the shell every service shares: the one seam between kit and a service. */
export interface ServiceSpec {
  /** Its own HTTP routes. Health, readiness, admin, the JSON 404/405s and the guard are the shell's. */
  routes?: (router: ServiceRouter) => void;
  /** The facts it handles (POST /events/<topic>, GET /dapr/subscribe, dead-lettering through its own sidecar). */
  subscriptions?: readonly Subscription[];
  /** Deliveries it reads as they come, without a contract (audit's dead-letter desk). */
  raw?: readonly RawSubscription[];
  /** Periodic work: declared here, started only by the process runner once the app listens (tests run it by hand). */
  tasks?: readonly PeriodicTask[];
  /** Guarded prefixes besides the kit's own (/admin, /dapr, /events, /sync), e.g. the gateway's /authorizations. */
  guard?: readonly GuardRule[];
  /** Its declared HTTP API: served at GET /openapi.json, and the routes above must be exactly it (or this throws). */
  api?: HttpApi;
}

/** A service's Koa app and, beside it, the tasks it declared: what `runService` starts. */
export type ServiceApp = Koa & { readonly tasks: readonly PeriodicTask[] };

/**
 * Builds a service from its spec, in the one order that works: the shell, the service's routes, its subscriptions,
 * the API check over all of them, then the router and the 404s. Nothing can be added after (there is no finish()).
 */
export function defineService(deps: ServiceDeps<BaseConfig>, spec: ServiceSpec): ServiceApp {
  const { config, dapr, log } = deps;
  const shell = createHttpShell({
    config,
    log,
    ready: () => dapr.sidecar.healthy(),
    ...(spec.guard ? { guard: spec.guard } : {}),
  });
  spec.routes?.(shell.router);
  if (spec.subscriptions || spec.raw) {
    mountSubscriptions(shell.router, {
      pubsubName: config.pubsubName,
      service: config.service,
      appApiToken: config.appApiToken,
      deadLetters: { bus: dapr.bus, service: config.service },
      log,
      subscriptions: spec.subscriptions ?? [],
      ...(spec.raw ? { raw: spec.raw } : {}),
      bulk: config.bulk,
      drop: () => shell.faults.dropDelivery(),
    });
  }
  if (spec.api) mountOpenApi(shell.router, spec.api);
  return Object.assign(shell.finish(), { tasks: [...(spec.tasks ?? [])] });
}

/** main.ts in one call: config -> logger -> Dapr ports -> createApp -> listen; exits on a bad config. */
export function startService<C extends BaseConfig>(
  loadConfig: (env: Env) => C,
  createApp: (deps: ServiceDeps<C>) => Koa & { readonly tasks?: readonly PeriodicTask[] },
): void {
  let config: C;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
  const log = createLogger(config.service, config.logLevel);
  const ports = connectDapr(config);
  // Every key is checked before daprd sees it (see keys.ts): a key error is a 400 or a dead letter, not a retry.
  // The bus counts what it published (metrics.ts), in this one place for every service.
  const dapr = { ...ports, state: withKeyChecks(ports.state), bus: countingBus(ports.bus) };
  const app = createApp({ config, log, dapr });
  const tasks = app.tasks ?? [];
  runService({
    app,
    tasks,
    host: config.host,
    port: config.port,
    metricsPort: config.metricsPort,
    idleTrimMs: config.idleTrimMs,
    log,
  }).catch(err => {
    log.fatal({ err }, 'cannot start');
    process.exit(1);
  });
}
