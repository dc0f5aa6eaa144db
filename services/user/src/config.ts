// user's configuration, parsed once from the environment.
import { loadServiceConfig, type Env } from '@lab/kit';

export const SERVICE = 'user';
export const loadConfig = (env: Env) => loadServiceConfig(env, SERVICE, 3001);
export type Config = ReturnType<typeof loadConfig>;
