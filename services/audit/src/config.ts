// audit's configuration, parsed once from the environment.
import { loadServiceConfig, type Env } from '@lab/kit';

export const SERVICE = 'audit';
export const loadConfig = (env: Env) => loadServiceConfig(env, SERVICE, 3007);
export type Config = ReturnType<typeof loadConfig>;
