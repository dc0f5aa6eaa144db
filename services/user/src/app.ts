// createApp(deps): POST /users signs a person up and announces UserRegistered; the rest happens elsewhere.
import { randomUUID } from 'node:crypto';
import type Koa from 'koa';
import { buildEvent, UserRegistered } from '@lab/contracts';
import {
  conflict,
  createHttpShell,
  notFound,
  requestBody,
  traceparentFrom,
  updateState,
  validate,
  type DaprPorts,
  type Logger,
} from '@lab/kit';
import type { Config } from './config';
import { normalizeEmail, RegisterRequest, type User } from './domain/user';

export interface Deps {
  config: Config;
  log: Logger;
  dapr: DaprPorts;
  now?: () => Date;
  newId?: () => string;
}

const userKey = (id: string) => `user:${id}`;

/** The stored record: `announced` turns true once UserRegistered is on the bus. */
interface StoredUser extends User {
  traceparent: string;
  announced: boolean;
}
const emailKey = (email: string) => `email:${normalizeEmail(email)}`;

export function createApp(deps: Deps): Koa {
  const { config, log, dapr } = deps;
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? randomUUID;
  const shell = createHttpShell({ service: config.service, log, ready: () => dapr.sidecar.healthy() });

  shell.router.post('/users', async ctx => {
    const req = validate(RegisterRequest, requestBody(ctx));
    // The email claim is the uniqueness check: first write wins.
    const candidate = newId();
    const { value: userId } = await updateState<string>(dapr.state, emailKey(req.email), cur =>
      cur ? undefined : candidate,
    );
    if (!userId) throw new Error('email claim vanished');
    const stored = (await dapr.state.get<StoredUser>(userKey(userId)))?.value;
    if (stored?.announced) throw conflict(`a user with email ${normalizeEmail(req.email)} already exists`);

    // Claimed now, or by an attempt that stopped before announcing: finish that sign-up (same user, same event id).
    const traceparent = stored?.traceparent ?? traceparentFrom(ctx.get('traceparent'));
    const user: User = stored
      ? { userId, email: stored.email, name: stored.name, registeredAt: stored.registeredAt }
      : { userId, email: normalizeEmail(req.email), name: req.name, registeredAt: now().toISOString() };
    if (!stored) {
      const { changed } = await updateState<StoredUser>(dapr.state, userKey(userId), cur =>
        cur ? undefined : { ...user, traceparent, announced: false },
      );
      if (!changed) throw conflict(`a user with email ${user.email} is being registered`);
    }
    const event = buildEvent(UserRegistered, user, {
      source: config.service,
      id: `user-registered-${userId}`,
      traceparent,
    });
    await dapr.bus.publish(UserRegistered, event);
    await updateState<StoredUser>(dapr.state, userKey(userId), cur =>
      cur && !cur.announced ? { ...cur, announced: true } : undefined,
    );
    log.info({ userId }, 'user registered');
    ctx.status = 202;
    ctx.set('Location', `/users/${userId}`);
    ctx.set('traceparent', traceparent);
    ctx.body = { userId, email: user.email };
  });

  shell.router.get('/users/:id', async ctx => {
    const entry = await dapr.state.get<StoredUser>(userKey(ctx.params.id ?? ''));
    if (!entry) throw notFound(`user ${ctx.params.id}`);
    const { traceparent: _t, announced: _a, ...user } = entry.value;
    ctx.body = user;
  });

  return shell.finish();
}
