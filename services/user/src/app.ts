// createApp(deps): POST /users claims the email, then announces UserRegistered; user stores the account when it
// receives its own event (event first: the bus is the only write that must succeed, so there is no dual write).
import { randomUUID } from 'node:crypto';
import { buildEvent, userApi, UserRegistered, type CloudEvent, type EventData } from '@lab/contracts';
import {
  conflict,
  notFound,
  on,
  requestBody,
  traceparentFrom,
  updateState,
  validate,
  validId,
  type AppDeps,
  type EventContext,
  defineService,
  type ServiceApp,
  type ServiceRouter,
} from '@lab/kit';
import type { Config } from './config';
import { normalizeEmail, RegisterRequest, type User } from './domain/user';

export type Deps = AppDeps<Config>;

const userKey = (id: string) => `user:${id}`;
const emailKey = (email: string) => `email:${normalizeEmail(email)}`;

/** The email claim: the uniqueness check (first write wins) and everything needed to announce the sign-up again. */
interface Claim extends User {
  traceparent: string;
  /** Set once UserRegistered was acknowledged by the bus: from then on, the same email is a conflict. */
  announced?: boolean;
  /**
   * Until when the request that made the claim is still announcing it (ISO): another sign-up with the email meanwhile
   * is a conflict, not a second announcer. Cleared when that announcement failed, so a retry finishes it at once.
   */
  announcingUntil?: string;
}

export function createApp(deps: Deps): ServiceApp {
  const { config, log, dapr } = deps;
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? randomUUID;

  const routes = (router: ServiceRouter) => {
    router.post('/users', async ctx => {
      const req = validate(RegisterRequest, requestBody(ctx));
      const at = now();
      const fresh: Claim = {
        userId: newId(),
        email: normalizeEmail(req.email),
        name: req.name,
        registeredAt: at.toISOString(),
        traceparent: traceparentFrom(ctx.get('traceparent')),
        // Long enough for the publish and the mark below, each under the sidecar deadline.
        announcingUntil: new Date(at.getTime() + 2 * config.daprTimeoutMs + 1000).toISOString(),
      };
      const { value: claim } = await updateState<Claim>(dapr.state, emailKey(req.email), cur =>
        cur ? undefined : fresh,
      );
      if (!claim) throw new Error('email claim vanished');
      // Someone else's claim is a conflict once its announcement went out (or the user is stored); before that it
      // is an attempt that stopped half way, which this request finishes with the same user and the same event id.
      // Someone else's claim whose request is still announcing it is a concurrent sign-up: a conflict too (without
      // this, concurrent sign-ups with one email all answered 202, each "finishing" the first).
      const finished = async () => claim.announced || (await dapr.state.get<User>(userKey(claim.userId))) !== undefined;
      const inFlight = () => claim.announcingUntil !== undefined && Date.parse(claim.announcingUntil) > now().getTime();
      if (claim.userId !== fresh.userId && (inFlight() || (await finished()))) {
        throw conflict(`a user with email ${claim.email} already exists`);
      }
      // Claimed now, or claimed by an attempt whose announcement may not have gone out: announce (same event id).
      const { traceparent, announced: _announced, announcingUntil: _until, ...user } = claim;
      const event = buildEvent(UserRegistered, user, {
        source: config.service,
        id: `user-registered-${user.userId}`,
        traceparent,
      });
      try {
        await dapr.bus.publish(UserRegistered, event);
      } catch (err) {
        // Not announced (or not known to be): release the claim to the next attempt, which announces the same event.
        await updateState<Claim>(dapr.state, emailKey(req.email), cur => {
          if (!cur || cur.userId !== user.userId || cur.announced || !cur.announcingUntil) return undefined;
          const { announcingUntil: _released, ...rest } = cur;
          return rest;
        }).catch(() => undefined);
        throw err;
      }
      await updateState<Claim>(dapr.state, emailKey(req.email), cur =>
        cur && cur.userId === user.userId && !cur.announced ? { ...cur, announced: true } : undefined,
      );
      log.info({ userId: user.userId }, 'user registration announced');
      ctx.status = 202;
      ctx.set('Location', `/users/${user.userId}`);
      ctx.set('traceparent', traceparent);
      ctx.body = { userId: user.userId, email: user.email };
    });

    router.get('/users/:id', async ctx => {
      const entry = await dapr.state.get<User>(userKey(validId(ctx.params.id, 'userId')));
      if (!entry) throw notFound(`user ${ctx.params.id}`);
      ctx.body = entry.value;
    });
  };

  async function onRegistered(e: CloudEvent<EventData<typeof UserRegistered>>, ectx: EventContext) {
    const { changed } = await updateState<User>(dapr.state, userKey(e.data.userId), cur => (cur ? undefined : e.data));
    if (changed) ectx.log.info({ userId: e.data.userId }, 'user stored');
  }

  return defineService(deps, { routes, subscriptions: [on(UserRegistered, onRegistered)], api: userApi });
}
