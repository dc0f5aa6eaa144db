// createApp(deps): welcome points on UserRegistered, purchase points on PaymentCompleted.
import { PaymentCompleted, UserRegistered } from '@lab/contracts';
import {
  notFound,
  on,
  updateState,
  validId,
  type AppDeps,
  type EventContext,
  defineService,
  type ServiceApp,
  type ServiceRouter,
} from '@lab/kit';
import type { Config } from './config';
import { grant, purchasePoints, WELCOME_POINTS, type Account } from './domain/account';

export type Deps = AppDeps<Config>;

const key = (userId: string) => `account:${userId}`;

export function createApp(deps: Deps): ServiceApp {
  const { dapr } = deps;
  const now = deps.now ?? (() => new Date());

  async function give(userId: string, eventId: string, points: number, reason: string, ctx: EventContext) {
    const at = now().toISOString();
    const { changed, value } = await updateState<Account>(dapr.state, key(userId), cur =>
      grant(cur, userId, { eventId, points, reason, at }),
    );
    if (changed) ctx.log.info({ userId, points, balance: value?.balance }, 'points granted');
  }

  const routes = (router: ServiceRouter) => {
    router.get('/points/:userId', async ctx => {
      const entry = await dapr.state.get<Account>(key(validId(ctx.params.userId, 'userId')));
      if (!entry) throw notFound(`points account ${ctx.params.userId}`);
      ctx.body = entry.value;
    });
  };

  return defineService(deps, {
    routes,
    subscriptions: [
      on(UserRegistered, (e, ctx) => give(e.data.userId, e.id, WELCOME_POINTS, 'welcome', ctx)),
      on(PaymentCompleted, (e, ctx) =>
        give(e.data.customerId, e.id, purchasePoints(e.data.amount), `purchase ${e.data.orderId}`, ctx),
      ),
    ],
  });
}
