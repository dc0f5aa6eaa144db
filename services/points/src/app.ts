// createApp(deps): welcome points on UserRegistered, purchase points on PaymentCompleted.
import type Koa from 'koa';
import { PaymentCompleted, UserRegistered } from '@lab/contracts';
import {
  createHttpShell,
  mountSubscriptions,
  notFound,
  on,
  updateState,
  type DaprPorts,
  type EventContext,
  type Logger,
} from '@lab/kit';
import type { Config } from './config';
import { grant, purchasePoints, WELCOME_POINTS, type Account } from './domain/account';

export interface Deps {
  config: Config;
  log: Logger;
  dapr: DaprPorts;
  now?: () => Date;
}

const key = (userId: string) => `account:${userId}`;

export function createApp(deps: Deps): Koa {
  const { config, log, dapr } = deps;
  const now = deps.now ?? (() => new Date());
  const shell = createHttpShell({ config, log, ready: () => dapr.sidecar.healthy() });

  async function give(userId: string, eventId: string, points: number, reason: string, ctx: EventContext) {
    const at = now().toISOString();
    const { changed, value } = await updateState<Account>(dapr.state, key(userId), cur =>
      grant(cur, userId, { eventId, points, reason, at }),
    );
    if (changed) ctx.log.info({ userId, points, balance: value?.balance }, 'points granted');
  }

  shell.router.get('/points/:userId', async ctx => {
    const entry = await dapr.state.get<Account>(key(ctx.params.userId ?? ''));
    if (!entry) throw notFound(`points account ${ctx.params.userId}`);
    ctx.body = entry.value;
  });

  mountSubscriptions(shell.router, {
    pubsubName: config.pubsubName,
    deadLetters: { bus: dapr.bus, service: config.service },
    appApiToken: config.appApiToken,
    log,
    subscriptions: [
      on(UserRegistered, (e, ctx) => give(e.data.userId, e.id, WELCOME_POINTS, 'welcome', ctx)),
      on(PaymentCompleted, (e, ctx) =>
        give(e.data.customerId, e.id, purchasePoints(e.data.amount), `purchase ${e.data.orderId}`, ctx),
      ),
    ],
  });

  return shell.finish();
}
