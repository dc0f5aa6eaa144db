// payment's configuration, parsed once from the environment.
import { envReader, readBaseConfig, type BaseConfig, type Env } from '@lab/kit';

export const SERVICE = 'payment';
export type Config = BaseConfig;

export function loadConfig(env: Env): Config {
  const r = envReader(env);
  const config = readBaseConfig(r, SERVICE, 3002);
  r.done();
  return Object.freeze(config);
}
