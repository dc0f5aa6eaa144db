// The Koa shell every service shares: error middleware, JSON body rules, health endpoints, JSON 404s.
import Koa from 'koa';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import { errorMiddleware, HttpError } from './errors';
import type { Logger } from './logger';
import type { BaseConfig } from './config';
import { DeliveryCounter, mountAdmin } from './admin';
import { Faults } from './faults';
import { accessGuard, DEFAULT_RULES, type GuardRule } from './guard';
import { httpDuration, methodLabel, useServiceLabel } from './metrics';
import { requestBody } from './request';
import { isEventRoute, topicOfEventRoute } from './event-routes';
import { bulkEntries } from './subscriptions';

export const BODY_LIMIT = '64kb';
/** The largest event delivery (a bulk delivery holds many events); delivery routes open only to the sidecar's token. */
export const DELIVERY_BODY_LIMIT = '4mb';
const JSON_TYPES = ['application/json', 'application/cloudevents+json', 'application/*+json'];

export interface HttpShellOptions {
  config: Pick<BaseConfig, 'service' | 'adminToken' | 'appApiToken' | 'faults'>;
  log: Logger;
  /** Guarded prefixes besides the kit's own (/admin, /dapr, /events, /sync), e.g. the gateway's /authorizations. */
  guard?: readonly GuardRule[];
  /** The chaos API's token (only the chaos app guards a prefix with it). */
  chaosToken?: string;
  /** Readiness probe: resolves true when the service can do its job (its sidecar included). */
  ready: () => Promise<boolean>;
}

export interface HttpShell {
  app: Koa;
  router: Router;
  faults: Faults;
  deliveries: DeliveryCounter;
}

/** Builds the app and its router; the caller adds routes, then `finish()` wires the router and 404s. */
export function createHttpShell(opts: HttpShellOptions): HttpShell & { finish(): Koa } {
  const app = new Koa();
  app.proxy = false;
  // Strict and case-sensitive: /Orders, /orders/ and //orders are not /orders (the guard saw them normalised).
  const router = new Router({ sensitive: true, strict: true });
  const service = opts.config.service;
  const faults = new Faults(opts.config.faults);
  const deliveries = new DeliveryCounter();

  app.on('error', (err: unknown) => {
    opts.log.error({ err }, 'unhandled error');
  });
  useServiceLabel(service);
  // Outside the error middleware, so it sees the final status of every request, rejected ones included.
  app.use(async (ctx, next) => {
    const stop = httpDuration.startTimer();
    try {
      await next();
    } finally {
      stop({ method: methodLabel(ctx.method), route: routeLabel(router, ctx), status: String(ctx.status) });
    }
  });
  app.use(errorMiddleware());
  // Before anything reads the request: an unauthenticated caller is answered without parsing, counting or routing.
  app.use(
    accessGuard([...DEFAULT_RULES, ...(opts.guard ?? [])], {
      appApiToken: opts.config.appApiToken,
      adminToken: opts.config.adminToken,
      chaosToken: opts.chaosToken,
    }),
  );
  app.use(async (ctx, next) => {
    if (
      ['POST', 'PUT', 'PATCH'].includes(ctx.method) &&
      ((ctx.request.length ?? 0) > 0 || ctx.get('transfer-encoding') !== '')
    ) {
      if (!ctx.is(JSON_TYPES)) {
        throw new HttpError(415, 'unsupported_media_type', 'send Content-Type: application/json');
      }
    }
    await next();
  });
  const parse = (jsonLimit: string) =>
    bodyParser({ enableTypes: ['json'], extendTypes: { json: JSON_TYPES }, jsonLimit, encoding: 'utf-8' });
  const parseRequest = parse(BODY_LIMIT);
  // A bulk delivery holds up to BULK_MAX_MESSAGES events of up to BODY_LIMIT each (only the sidecar's token opens it).
  const parseDelivery = parse(DELIVERY_BODY_LIMIT);
  app.use((ctx, next) => (isEventRoute(ctx.path) ? parseDelivery(ctx, next) : parseRequest(ctx, next)));
  // Count every delivery (redeliveries included) before anything can fail it: after the token check, and only for
  // a topic this app subscribes to (a route exists), so strangers cannot grow the counters.
  app.use(async (ctx, next) => {
    const topic = topicOfEventRoute(ctx.path);
    if (topic && ctx.method === 'POST' && router.match(ctx.path, 'POST').route) {
      const body = requestBody(ctx);
      for (const event of bulkEntries(body)?.map(e => e.event) ?? [body]) {
        const id = (event as { id?: unknown } | undefined)?.id;
        deliveries.record(topic, typeof id === 'string' ? id : undefined);
      }
    }
    await next();
  });
  app.use(faults.middleware());
  mountAdmin(router, { adminToken: opts.config.adminToken, faults, deliveries });

  router.get('/healthz', ctx => {
    ctx.body = { status: 'ok', service };
  });
  router.get('/readyz', async ctx => {
    const ok = await opts.ready().catch(() => false);
    ctx.status = ok ? 200 : 503;
    ctx.body = { status: ok ? 'ready' : 'not ready', service };
  });

  return {
    app,
    router,
    faults,
    deliveries,
    finish() {
      app.use(router.routes());
      // Unmatched requests: 405 (with Allow) when the path exists for another method, else 404; both JSON.
      app.use(ctx => {
        const match = router.match(ctx.path, ctx.method);
        if (match.path.length > 0 && !match.route) {
          const allowed = [...new Set(match.path.flatMap(l => l.methods))].filter(m => m !== 'HEAD');
          ctx.set('Allow', allowed.join(', '));
          ctx.status = 405;
          ctx.body = { error: { code: 'method_not_allowed', message: `${ctx.method} is not allowed on ${ctx.path}` } };
          return;
        }
        ctx.status = 404;
        ctx.body = { error: { code: 'not_found', message: `no route for ${ctx.method} ${ctx.path}` } };
      });
      return app;
    },
  };
}

/**
 * The route template a request matched (`/orders/:id`), or `unmatched`: a label never holds a raw path, so hostile
 * paths cannot create series. A request the guard refused before routing is looked up in the route table.
 */
function routeLabel(router: Router, ctx: Koa.Context): string {
  const matched = (ctx as { _matchedRoute?: unknown })._matchedRoute;
  if (typeof matched === 'string') return matched;
  const layer = router.match(ctx.path, ctx.method).pathAndMethod.findLast(l => l.methods.length > 0);
  return typeof layer?.path === 'string' ? layer.path : 'unmatched';
}
