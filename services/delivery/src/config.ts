// delivery's configuration, parsed once from the environment.
import { loadServiceConfig, type Env } from '@lab/kit';

export const SERVICE = 'delivery';
export const loadConfig = (env: Env) => loadServiceConfig(env, SERVICE, 3003);
export type Config = ReturnType<typeof loadConfig>;
