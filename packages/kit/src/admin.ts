// Authenticated admin endpoints: fault knobs, and delivery counters that show redeliveries as they happen.
import type Router from '@koa/router';
import type { Context } from 'koa';
import { checkCredential } from './guard';
import { FaultSettings, type Faults } from './faults';
import { requestBody } from './request';
import { validate } from './validate';

/** Per topic: how many deliveries came in, and how many distinct event ids among them (the rest were redeliveries). */
export class DeliveryCounter {
  private readonly topics = new Map<string, { deliveries: number; ids: Set<string> }>();
  static readonly IDS_KEPT = 200_000;

  record(topic: string, eventId: string | undefined): void {
    const t = this.topics.get(topic) ?? { deliveries: 0, ids: new Set<string>() };
    t.deliveries += 1;
    if (eventId && t.ids.size < DeliveryCounter.IDS_KEPT) t.ids.add(eventId);
    this.topics.set(topic, t);
  }

  snapshot(): Record<string, { deliveries: number; distinct: number; redeliveries: number }> {
    const out: Record<string, { deliveries: number; distinct: number; redeliveries: number }> = {};
    for (const [topic, t] of this.topics) {
      out[topic] = { deliveries: t.deliveries, distinct: t.ids.size, redeliveries: t.deliveries - t.ids.size };
    }
    return out;
  }
}

/**
 * Bearer-token check for admin routes; without a configured token the admin API is off (403). The shell's guard
 * already checked every /admin path; routes call this too, so a route mounted elsewhere is never left open.
 */
export function requireAdmin(ctx: Context, token: string | undefined): void {
  checkCredential(ctx, 'admin', { adminToken: token, appApiToken: undefined });
}

export function mountAdmin(
  router: Router,
  opts: { adminToken: string | undefined; faults: Faults; deliveries: DeliveryCounter },
) {
  router.get('/admin/faults', ctx => {
    requireAdmin(ctx, opts.adminToken);
    ctx.body = opts.faults.current;
  });
  router.put('/admin/faults', ctx => {
    requireAdmin(ctx, opts.adminToken);
    opts.faults.set(validate(FaultSettings, requestBody(ctx) ?? {}));
    ctx.body = opts.faults.current;
  });
  router.get('/admin/deliveries', ctx => {
    requireAdmin(ctx, opts.adminToken);
    ctx.body = opts.deliveries.snapshot();
  });
}
