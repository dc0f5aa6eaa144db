// payment's configuration, parsed once from the environment.
import { loadServiceConfig, type Env } from '@lab/kit';

export const SERVICE = 'payment';

export const loadConfig = (env: Env) =>
  loadServiceConfig(env, SERVICE, 3002, r => ({
    /** App id of the payment gateway, called synchronously through Dapr service invocation. */
    gatewayAppId: r.string('GATEWAY_APP_ID', 'gateway'),
    /**
     * How long an order may wait for a gateway that cannot answer (down, 5xx, circuit open) before payment
     * settles for PaymentFailed. Until then the event is redelivered with daprd's backoff; keep it well under
     * the inbound retry budget in resiliency.yaml (about 75 s), or the event is dead-lettered first.
     */
    decisionDeadlineMs: r.int('PAYMENT_DECISION_DEADLINE_MS', 30_000, 0, 600_000),
  }));

export type Config = ReturnType<typeof loadConfig>;
