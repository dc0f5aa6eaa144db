// createApp(deps): POST /authorizations answers now (synchronously) and only once per order.
import { randomUUID } from 'node:crypto';
import {
  defineService,
  HttpError,
  notFound,
  requestBody,
  updateState,
  validate,
  validId,
  type AppDeps,
  type ServiceApp,
  type ServiceRouter,
} from '@lab/kit';
import type { Config } from './config';
import { AuthorizeRequest, decide, type Authorization } from './domain/authorize';

export type Deps = AppDeps<Config> & { sleep?: (ms: number) => Promise<void> };

const key = (orderId: string) => `authorization:${orderId}`;
const WRITES = ['POST', 'PUT', 'PATCH', 'DELETE'];

export function createApp(deps: Deps): ServiceApp {
  const { config, log, dapr } = deps;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>(r => setTimeout(r, ms)));
  const routes = (router: ServiceRouter) => {
    router.post('/authorizations', async ctx => {
      const req = validate(AuthorizeRequest, requestBody(ctx));
      if (config.latencyMs > 0) await sleep(config.latencyMs);
      const { value, changed } = await updateState<Authorization>(dapr.state, key(req.orderId), cur => {
        if (cur) return undefined;
        const d = decide(req);
        return {
          authorizationId: randomUUID(),
          orderId: req.orderId,
          amount: req.amount,
          approved: d.approved,
          ...(d.approved ? {} : { reason: d.reason }),
          at: new Date().toISOString(),
        };
      });
      if (!value) throw new Error('authorization vanished');
      // One authorisation per order: asking again for another amount is refused, never answered with the first.
      if (value.amount !== req.amount) {
        throw new HttpError(409, 'amount_mismatch', `order ${req.orderId} was authorised for another amount`, [
          { field: 'amount', message: `an authorisation of ${value.amount} exists` },
        ]);
      }
      if (changed) log.info({ orderId: req.orderId, approved: value.approved }, 'authorization decided');
      ctx.body = value;
    });

    router.get('/authorizations/:orderId', async ctx => {
      const entry = await dapr.state.get<Authorization>(key(validId(ctx.params.orderId, 'orderId')));
      if (!entry) throw notFound(`authorization for order ${ctx.params.orderId}`);
      ctx.body = entry.value;
    });
  };

  return defineService(deps, {
    // Only payment, through its sidecar, may ask for an authorisation (reads stay open: the verifier uses them).
    guard: [{ prefix: 'authorizations', credential: 'sidecar', methods: WRITES }],
    routes,
  });
}
