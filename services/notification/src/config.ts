// notification's configuration, parsed once from the environment.
import { loadServiceConfig, type Env } from '@lab/kit';

export const SERVICE = 'notification';
export const loadConfig = (env: Env) => loadServiceConfig(env, SERVICE, 3004);
export type Config = ReturnType<typeof loadConfig>;
