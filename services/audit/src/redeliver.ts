// A fact of the log announced again to the consumers that lack it: how an operator heals a side consumer that lost
// an event after its order finished (`./lab verify --heal`), which no watch of the flow does (docs/guarantees.md 3b).
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { addressed, businessEvents, Id, parseEvent } from '@lab/contracts';
import {
  HttpError,
  notFound,
  requestBody,
  requireAdmin,
  validate,
  validId,
  type AppDeps,
  type ServiceRouter,
} from '@lab/kit';
import type { Config } from './config';
import { bySubject, eventOf, type AuditEntry } from './domain/entry';

const AppId = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'an app id');
const RedeliverRequest = z.strictObject({
  /** The subject whose log holds the fact (an order id or a user id): the log is kept by subject. */
  subject: Id,
  /** The consumers it is for; every other subscriber acknowledges the copy unhandled. */
  to: z.array(AppId).min(1).max(16),
});

export function mountRedeliver(
  router: ServiceRouter,
  { dapr, log, config }: Pick<AppDeps<Config>, 'dapr' | 'log' | 'config'>,
) {
  /**
   * POST /admin/facts/:eventId/redeliver {subject, to}: publishes the fact again (same event id), addressed to `to`
   * only, so no consumer that remembers ids in a window gets a copy it might take for new.
   */
  router.post('/admin/facts/:eventId/redeliver', async ctx => {
    requireAdmin(ctx, config.adminToken);
    const eventId = validId(ctx.params.eventId, 'eventId');
    const req = validate(RedeliverRequest, requestBody(ctx));
    const unknown = req.to.filter(c => !config.consumers.includes(c));
    if (unknown.length > 0) {
      throw new HttpError(400, 'validation_failed', `not a consumer of the catalog: ${unknown.join(', ')}`, [
        { field: 'to', message: `known consumers: ${config.consumers.join(', ')}` },
      ]);
    }
    const entries = (await dapr.state.get<AuditEntry[]>(bySubject(req.subject)))?.value ?? [];
    const entry = entries.find(e => e.eventId === eventId);
    if (!entry) throw notFound(`fact ${eventId} of ${req.subject}`);
    const contract = businessEvents.find(c => c.name === entry.name);
    if (!contract) throw new HttpError(422, 'not_replayable', `no contract named ${entry.name}`);
    const event = eventOf(entry, randomBytes(8).toString('hex'));
    const check = parseEvent(contract, event);
    if (!check.ok) throw new HttpError(422, 'not_replayable', `the fact breaks its contract now: ${check.reason}`);
    const copy = addressed(event, req.to);
    await dapr.bus.publish(contract, copy);
    log.warn({ eventId, topic: contract.topic, to: req.to }, 'fact announced again');
    ctx.body = { redelivered: eventId, topic: contract.topic, addressedTo: req.to };
  });
}
