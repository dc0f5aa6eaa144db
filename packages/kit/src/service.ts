// The shared skeleton of every service's main.ts and config.ts.
import type Koa from 'koa';
import { envReader, readBaseConfig, type BaseConfig, type Env } from './config';
import { connectDapr, type DaprPorts } from './dapr';
import { createLogger, type Logger } from './logger';
import { runService } from './run';
import { createHttpShell } from './http';
import { mountSubscriptions, type RawSubscription, type Subscription } from './subscriptions';
import type Router from '@koa/router';
import type { GuardRule } from './guard';
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

/** The Koa shell of a service, ready when its sidecar is; `guard` adds prefixes to the kit's guarded ones. */
export function serviceShell(deps: ServiceDeps<BaseConfig>, guard?: readonly GuardRule[]) {
  return createHttpShell({
    config: deps.config,
    log: deps.log,
    ready: () => deps.dapr.sidecar.healthy(),
    ...(guard ? { guard } : {}),
  });
}

/** Serves the service's subscriptions (and raw ones), dead-lettering through its own sidecar. */
export function mountEvents(
  router: Router,
  deps: ServiceDeps<BaseConfig>,
  subscriptions: readonly Subscription[],
  raw?: readonly RawSubscription[],
): void {
  const { config, dapr, log } = deps;
  mountSubscriptions(router, {
    pubsubName: config.pubsubName,
    appApiToken: config.appApiToken,
    deadLetters: { bus: dapr.bus, service: config.service },
    log,
    subscriptions,
    ...(raw ? { raw } : {}),
  });
}

/** main.ts in one call: config -> logger -> Dapr ports -> createApp -> listen; exits on a bad config. */
export function startService<C extends BaseConfig>(
  loadConfig: (env: Env) => C,
  createApp: (deps: ServiceDeps<C>) => Koa,
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
  runService({ app, host: config.host, port: config.port, metricsPort: config.metricsPort, log }).catch(err => {
    log.fatal({ err }, 'cannot start');
    process.exit(1);
  });
}
