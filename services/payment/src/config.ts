// payment's configuration, parsed once from the environment.
import { loadServiceConfig, type Env } from '@lab/kit';

export const SERVICE = 'payment';

export const loadConfig = (env: Env) =>
  loadServiceConfig(env, SERVICE, 3002, r => ({
    /** App id of the payment gateway, called synchronously through Dapr service invocation. */
    gatewayAppId: r.string('GATEWAY_APP_ID', 'gateway'),
  }));

export type Config = ReturnType<typeof loadConfig>;
