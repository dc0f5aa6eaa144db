// createApp(deps): POST /authorizations answers now (synchronously) and only once per order.
import { randomUUID } from 'node:crypto';
import type Koa from 'koa';
import { notFound, requestBody, serviceShell, updateState, validate, type AppDeps } from '@lab/kit';
import type { Config } from './config';
import { AuthorizeRequest, decide, type Authorization } from './domain/authorize';

export type Deps = AppDeps<Config> & { sleep?: (ms: number) => Promise<void> };

const key = (orderId: string) => `authorization:${orderId}`;

export function createApp(deps: Deps): Koa {
  const { config, log, dapr } = deps;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>(r => setTimeout(r, ms)));
  const shell = serviceShell(deps);

  shell.router.post('/authorizations', async ctx => {
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
    if (changed) log.info({ orderId: req.orderId, approved: value.approved }, 'authorization decided');
    ctx.body = value;
  });

  shell.router.get('/authorizations/:orderId', async ctx => {
    const entry = await dapr.state.get<Authorization>(key(ctx.params.orderId ?? ''));
    if (!entry) throw notFound(`authorization for order ${ctx.params.orderId}`);
    ctx.body = entry.value;
  });

  return shell.finish();
}
