// stats's configuration, parsed once from the environment.
import { loadServiceConfig, type Env } from '@lab/kit';

export const SERVICE = 'stats';
export const loadConfig = (env: Env) => loadServiceConfig(env, SERVICE, 3006);
export type Config = ReturnType<typeof loadConfig>;
