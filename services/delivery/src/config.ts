// delivery's configuration, parsed once from the environment.
import { loadServiceConfig, type Env } from '@lab/kit';

export const SERVICE = 'delivery';
export const loadConfig = (env: Env) =>
  loadServiceConfig(env, SERVICE, 3003, r => ({
    /** App id of payment, asked by the synchronous chain's step whether an order is paid before it is dispatched. */
    paymentAppId: r.string('PAYMENT_APP_ID', 'payment'),
  }));
export type Config = ReturnType<typeof loadConfig>;
