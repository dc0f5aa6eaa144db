// createApp(deps): audit subscribes to every topic and keeps an append-only log, queryable by subject or type.
import { allEvents, businessEvents } from '@lab/contracts';
import {
  defineService,
  HttpError,
  keyUpdate,
  onState,
  shardOf,
  validId,
  type AppDeps,
  type ServiceApp,
  type ServiceRouter,
} from '@lab/kit';
import type { Config } from './config';
import { deadLetterSubscriptions, mountDeadLetters } from './dead-letters';
import {
  append,
  bySubject,
  byType,
  entryOf,
  PER_SUBJECT,
  PER_TYPE_SHARD,
  TYPE_SHARDS,
  type AuditEntry,
} from './domain/entry';
import { mountRedeliver } from './redeliver';

export type Deps = AppDeps<Config>;

export function createApp(deps: Deps): ServiceApp {
  const { config, dapr } = deps;
  const now = deps.now ?? (() => new Date());

  const routes = (router: ServiceRouter) => {
    router.get('/audit', async ctx => {
      const { orderId, subject, type } = ctx.query;
      const s =
        subject !== undefined
          ? validId(subject, 'subject')
          : orderId !== undefined
            ? validId(orderId, 'orderId')
            : undefined;
      if (!s && typeof type !== 'string') {
        throw new HttpError(400, 'validation_failed', 'give orderId, subject or type', [
          { field: 'orderId|subject|type', message: 'one is required' },
        ]);
      }
      const known = allEvents.find(c => c.name === type || c.type === type);
      if (!s && !known) throw new HttpError(400, 'validation_failed', `unknown event type ${String(type)}`);
      let entries: AuditEntry[];
      if (s) {
        entries = (await dapr.state.get<AuditEntry[]>(bySubject(s)))?.value ?? [];
        if (known) entries = entries.filter(e => e.name === known.name);
      } else {
        const keys = Array.from({ length: TYPE_SHARDS }, (_, i) => byType(known!.name, i));
        entries = [...(await dapr.state.getMany<AuditEntry[]>(keys)).values()].flat();
      }
      entries.sort((a, b) => a.time.localeCompare(b.time));
      ctx.body = { count: entries.length, entries };
    });

    mountDeadLetters(router, dapr, config.adminToken, now);
    mountRedeliver(router, deps);
  };

  return defineService(deps, {
    routes,
    subscriptions: businessEvents.map(contract =>
      onState(contract, dapr.state, (e, ctx) => {
        const entry = entryOf(e, contract.name, contract.topic, now().toISOString(), ctx.traceparent);
        // Two indexes, by type first and by subject last. The subject's log keeps every fact of its subject (200,
        // more than an order has), so a copy it already holds is a duplicate of any age (the inbox), and touches
        // neither: the by-type index is a window of the newest entries and cannot tell. A redelivery after a crash
        // between the two writes completes the pair (listed once by type while that window still holds the entry).
        // Both keys come from one bulk read (with the rest of a batch's); each write is still guarded by the etag of
        // what was read, so a stale shard costs a lost race, never a lost entry.
        const subject = bySubject(entry.subject);
        const { data: _d, ...brief } = entry;
        return {
          inbox: {
            key: subject,
            holds: v => (v as AuditEntry[] | undefined)?.some(x => x.eventId === entry.eventId) ?? false,
          },
          updates: [
            keyUpdate<AuditEntry[]>(byType(contract.name, shardOf(entry.eventId, TYPE_SHARDS)), cur =>
              append(cur, brief as AuditEntry, PER_TYPE_SHARD),
            ),
            keyUpdate<AuditEntry[]>(subject, cur => append(cur, entry, PER_SUBJECT)),
          ],
        };
      }),
    ),
    raw: deadLetterSubscriptions(dapr, config.consumers, now),
  });
}
