// points's configuration, parsed once from the environment.
import { loadServiceConfig, type Env } from '@lab/kit';

export const SERVICE = 'points';
export const loadConfig = (env: Env) => loadServiceConfig(env, SERVICE, 3005);
export type Config = ReturnType<typeof loadConfig>;
