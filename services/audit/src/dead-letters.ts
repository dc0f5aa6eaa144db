// The dead-letter desk: every event a consumer set aside, with why; listed, inspected and replayed by an operator.
import { createHash } from 'node:crypto';
import {
  addressed,
  allEvents,
  businessEvents,
  DeadLettered,
  forwardedDeadLetterTopic,
  ID_PATTERN,
  parseEvent,
  type CloudEvent,
} from '@lab/contracts';
import {
  capped,
  HttpError,
  notFound,
  requireAdmin,
  updateState,
  validId,
  type DaprPorts,
  type RawSubscription,
  type ServiceRouter,
} from '@lab/kit';

export interface DeadLetter {
  id: string;
  reason: string;
  /** The topic the event came from (when known). */
  topic: string | undefined;
  /** The consumer that set it aside (for a forwarded letter, the consumer whose topic it came on). */
  service: string | undefined;
  original: unknown;
  receivedAt: string;
  replays: string[];
}

const key = (id: string) => `dead-letter:${id}`;

/**
 * A forwarded event's id as a dead letter's id, per consumer (one event forwarded by two consumers is two letters):
 * kept when it is a valid id, else a digest of it (ids become keys).
 */
function forwardedId(service: string, id: string): string {
  const plain = `forwarded-${service}-${id}`;
  return ID_PATTERN.test(plain)
    ? plain
    : `forwarded-${service}-${createHash('sha256').update(id).digest('hex').slice(0, 40)}`;
}
const INDEX = 'dead-letter-index';
export const DEAD_LETTERS_KEPT = 1000;

/**
 * A DeadLettered event, or the original event itself, forwarded by `forwardedBy`'s sidecar after every retry failed
 * (on that consumer's own topic, so the letter knows whose it is).
 */
export function deadLetterOf(body: unknown, receivedAt: string, forwardedBy?: string): DeadLetter {
  const parsed = parseEvent(DeadLettered, body);
  if (parsed.ok) {
    const d = parsed.event.data;
    return {
      id: parsed.event.id,
      reason: d.reason,
      topic: d.topic,
      service: d.service,
      original: d.original,
      receivedAt,
      replays: [],
    };
  }
  const ce = (typeof body === 'object' && body !== null ? body : {}) as Partial<CloudEvent>;
  const contract = allEvents.find(c => c.type === ce.type);
  return {
    id: forwardedId(forwardedBy ?? 'unknown', typeof ce.id === 'string' ? ce.id : receivedAt),
    reason: 'delivery kept failing after every retry (forwarded by daprd)',
    topic: contract?.topic,
    service: forwardedBy,
    original: body,
    receivedAt,
    replays: [],
  };
}

/** The desk's channels: DeadLettered facts, and each consumer's forwarding topic. */
export function deadLetterSubscriptions(
  dapr: DaprPorts,
  consumers: readonly string[],
  now: () => Date,
): RawSubscription[] {
  return [
    deadLetterSubscription(dapr, DeadLettered.topic, undefined, now),
    ...consumers.map(c => deadLetterSubscription(dapr, forwardedDeadLetterTopic(c), c, now)),
  ];
}

function deadLetterSubscription(
  dapr: DaprPorts,
  topic: string,
  forwardedBy: string | undefined,
  now: () => Date,
): RawSubscription {
  return {
    topic,
    async handle(body, ctx) {
      const dl = deadLetterOf(body, now().toISOString(), forwardedBy);
      const { changed } = await updateState<DeadLetter>(dapr.state, key(dl.id), cur => (cur ? undefined : dl));
      await updateState<string[]>(dapr.state, INDEX, cur =>
        cur?.includes(dl.id) ? undefined : capped([...(cur ?? []), dl.id], DEAD_LETTERS_KEPT),
      );
      if (changed)
        ctx.log.warn({ id: dl.id, topic: dl.topic, service: dl.service, reason: dl.reason }, 'dead letter received');
    },
  };
}

export function mountDeadLetters(
  router: ServiceRouter,
  dapr: DaprPorts,
  adminToken: string | undefined,
  now: () => Date,
) {
  router.get('/admin/dead-letters', async ctx => {
    requireAdmin(ctx, adminToken);
    const ids = (await dapr.state.get<string[]>(INDEX))?.value ?? [];
    const found = await dapr.state.getMany<DeadLetter>(ids.map(key));
    const entries = ids.flatMap(id => {
      const d = found.get(key(id));
      return d
        ? [
            {
              id: d.id,
              reason: d.reason,
              topic: d.topic,
              service: d.service,
              receivedAt: d.receivedAt,
              replays: d.replays.length,
            },
          ]
        : [];
    });
    ctx.body = { count: entries.length, entries };
  });

  router.get('/admin/dead-letters/:id', async ctx => {
    requireAdmin(ctx, adminToken);
    const entry = await dapr.state.get<DeadLetter>(key(validId(ctx.params.id, 'id')));
    if (!entry) throw notFound(`dead letter ${ctx.params.id}`);
    ctx.body = entry.value;
  });

  /**
   * Publishes the original again (same event id, so a consumer that did handle it sees a duplicate), addressed to
   * the consumer that set it aside when it is known: the others handled it long ago, and some remember ids only
   * in a window. A letter forwarded by a consumer's sidecar after failed retries came on that consumer's own topic,
   * so it names its consumer too.
   */
  router.post('/admin/dead-letters/:id/replay', async ctx => {
    requireAdmin(ctx, adminToken);
    const entry = await dapr.state.get<DeadLetter>(key(validId(ctx.params.id, 'id')));
    if (!entry) throw notFound(`dead letter ${ctx.params.id}`);
    const original = entry.value.original as Partial<CloudEvent>;
    const contract = businessEvents.find(c => c.type === original?.type);
    if (!contract) {
      throw new HttpError(
        422,
        'not_replayable',
        `the original is not an event of a known type (${String(original?.type)})`,
      );
    }
    // Replaying an event that still breaks its contract would only dead-letter it again.
    const check = parseEvent(contract, original);
    if (!check.ok)
      throw new HttpError(422, 'not_replayable', `the original still breaks its contract: ${check.reason}`);
    const { topic: _t, pubsubname: _p, ...event } = original as CloudEvent;
    const copy = addressed(event, entry.value.service ? [entry.value.service] : undefined);
    await dapr.bus.publish(contract, copy);
    const at = now().toISOString();
    await updateState<DeadLetter>(dapr.state, key(entry.value.id), cur =>
      cur ? { ...cur, replays: [...cur.replays, at] } : undefined,
    );
    ctx.body = {
      replayed: entry.value.id,
      topic: contract.topic,
      eventId: event.id,
      addressedTo: copy.addressedto ?? null,
    };
  });
}
