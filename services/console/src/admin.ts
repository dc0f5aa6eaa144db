// What the page asks for, all under /admin (kit's guard checks the admin token on the normalised path before any
// routing): the board, its stream, orders and loads, the dead-letter desk (audit's), the chaos actions.
import { ConsoleFaults, ConsoleLoadRequest, ConsolePlaceRequest } from '@lab/contracts';
import { HttpError, requestBody, validate, validId, type HttpShell } from '@lab/kit';
import type { Config } from './config';
import { placeOrder, sideBySide, type Placed } from './orders';
import type { Stream } from './stream';
import { call, passOn } from './upstream';

const ACTIONS = ['stop', 'start', 'kill'] as const;

export interface AdminDeps {
  config: Config;
  stream: Stream;
  board: () => unknown;
  /** An answer of order's (the board records synchronous-chain orders from it). */
  placed: (p: Placed) => void;
}

export function mountConsoleAdmin(router: HttpShell['router'], deps: AdminDeps): void {
  const { config } = deps;
  const url = (name: string) => {
    const t = config.targets.find(x => x.name === name);
    if (!t) throw new Error(`${name} is not in the catalog`);
    return t.url;
  };
  const chaos = (path: string) => {
    if (!config.chaosUrl) throw new HttpError(503, 'downstream_unreachable', 'no chaos API configured (CHAOS_URL)');
    return `${config.chaosUrl}${path}`;
  };
  const known = (name: string) => {
    const service = validId(name, 'service');
    if (!config.targets.some(t => t.name === service)) throw new HttpError(404, 'not_found', `no service ${service}`);
    return service;
  };

  router.get('/admin/stream', ctx => deps.stream.attach(ctx));
  router.get('/admin/board', ctx => {
    ctx.body = deps.board();
  });
  router.post('/admin/orders', async ctx => {
    const { flow } = validate(ConsolePlaceRequest, requestBody(ctx) ?? {});
    const p = await placeOrder(url('order'), flow);
    deps.placed(p);
    const { orderStatus: _s, ...answer } = p;
    ctx.body = answer;
  });
  router.post('/admin/load', async ctx => {
    const { count } = validate(ConsoleLoadRequest, requestBody(ctx) ?? {});
    ctx.body = await sideBySide(url('order'), count, deps.placed);
  });
  const desk = `${url('audit')}/admin/dead-letters`;
  router.get('/admin/dead-letters', async ctx => {
    ctx.body = passOn('audit', await call('GET', desk, { token: config.adminToken }));
  });
  router.post('/admin/dead-letters/:id/replay', async ctx => {
    const id = encodeURIComponent(validId(ctx.params.id, 'id'));
    ctx.body = passOn('audit', await call('POST', `${desk}/${id}/replay`, { token: config.adminToken }));
  });
  router.post('/admin/chaos/:service/:action', async ctx => {
    const service = known(ctx.params.service!);
    const action = ctx.params.action as (typeof ACTIONS)[number];
    if (!ACTIONS.includes(action)) throw new HttpError(400, 'validation_failed', 'action must be stop, start or kill');
    const answer = await call('POST', chaos(`/chaos/services/${service}/${action}`), {
      token: config.chaosToken,
      timeoutMs: 90_000,
    });
    ctx.body = passOn('the chaos API', answer);
    deps.stream.changed();
  });
  router.put('/admin/chaos/:service/faults', async ctx => {
    const service = known(ctx.params.service!);
    const { latencyMs } = validate(ConsoleFaults, requestBody(ctx));
    const answer = await call('PUT', chaos(`/chaos/services/${service}/faults`), {
      token: config.chaosToken,
      body: { latencyMs },
    });
    ctx.body = passOn('the chaos API', answer);
  });
}
