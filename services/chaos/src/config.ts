// The in-cluster controller's configuration, parsed once from the environment.
import { envReader, type Env } from '@lab/kit';
import { parseTargets, type Target } from './targets';

export interface ChaosConfig {
  host: string;
  port: number;
  logLevel: string;
  namespace: string;
  chaosToken: string;
  adminToken: string;
  /** The Helm release whose pods it may touch (app.kubernetes.io/instance). */
  instance: string | undefined;
  targets: Target[];
}

export function loadChaosConfig(env: Env): ChaosConfig {
  const r = envReader(env);
  const config = {
    host: r.string('HOST', '127.0.0.1'),
    port: r.int('APP_PORT', 3100, 1, 65535),
    logLevel: r.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    namespace: r.string('CHAOS_NAMESPACE'),
    chaosToken: r.string('CHAOS_TOKEN'),
    adminToken: r.string('ADMIN_TOKEN'),
    instance: r.optional('CHAOS_INSTANCE'),
    targets: [] as Target[],
  };
  const services = r.string('CHAOS_SERVICES');
  r.done();
  config.targets = parseTargets(services);
  return config;
}
