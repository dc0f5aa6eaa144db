// The system verifier: after a run (or against a live system), checks that nothing was lost and nothing doubled.
import { waitFor } from '@lab/runtime';

export interface VerifyTarget {
  /** Base URL of each service's API. */
  urls: Record<string, string>;
  /**
   * Every instance of a service that runs more than one (its URL in `urls` first): each process counts its own
   * deliveries and re-announcements, so the counters are summed over them. State reads need one instance only.
   */
  instances?: Record<string, string[]>;
  adminToken: string;
}

export interface VerifyInput {
  orderIds: string[];
  userIds?: string[];
  /** How long an accepted order may take to reach a terminal status. */
  boundMs?: number;
  /** Dead letters the run produced on purpose (checked exactly when given). */
  expectedDeadLetters?: number;
  /** Counters read before the run: deliveries and re-announcements are then reported for the run alone. */
  baseline?: Counters;
}

/** The services' own counters (per process lifetime): deliveries and redeliveries per service and topic, and re-announcements. */
export interface Counters {
  deliveries: Record<string, Record<string, { deliveries: number; redeliveries: number }>>;
  reannounced: number;
}

export interface VerifyReport {
  ok: boolean;
  problems: string[];
  orders: { accepted: number; shipped: number; cancelled: number; lost: number };
  users: number;
  /** Events the run put on the bus (counted from the audit log). */
  eventsPublished: number;
  /**
   * Deliveries to consumers, and how many of them were redeliveries of an event already seen: since the baseline when
   * one was given (a service restarted meanwhile counts from its restart), else over each process's lifetime.
   */
  deliveries: { total: number; redeliveries: number };
  /** OrderCreated events order announced again for orders that waited too long (same window as deliveries). */
  reannounced: number;
  /** The counters at the end of the run (the baseline of the next one). */
  counters: Counters;
  duplicatedEffects: number;
  deadLetters: number;
  /** Facts stats was asked about: counted, and those it can no longer tell (ids older than its dedupe memory). */
  stats: { counted: number; unknown: number };
  /**
   * Orders whose notifications (or purchase grant) are missing from a full inbox (or account) that keeps only newer
   * ones: they may have been dropped by its retention, so they are counted here, not reported as problems.
   */
  tooOldToTell: { notifications: number; points: number };
  /** The facts a side consumer shows no effect of, each what `./lab verify --heal` announces again to it. */
  missing: MissingEffect[];
  convergedInMs: number;
}

/** A fact of the audit log that one consumer shows no effect of (none of them a duplicate: those are problems). */
export interface MissingEffect {
  eventId: string;
  /** Its subject (order id or user id): where audit keeps it. */
  subject: string;
  fact: string;
  consumer: 'notification' | 'points' | 'stats';
}

/** The facts notification tells a customer of (services/notification/src/domain), by the audited fact's name. */
const NOTIFIED = ['OrderCreated', 'PaymentCompleted', 'PaymentFailed', 'DeliveryStarted'];

/** What stats counts, by the audited fact's name. */
const STATS_KINDS: Record<string, string> = {
  OrderCreated: 'orders',
  PaymentCompleted: 'payments',
  DeliveryStarted: 'deliveries',
  UserRegistered: 'signups',
};
/** Event ids per tally request (stats refuses more than 1,000). */
const TALLY_BATCH = 1000;
/**
 * What a consumer keeps per key (docs/guarantees.md section 1): notification's newest messages per recipient
 * (INBOX_SIZE) and points' newest grants per account (GRANTS_KEPT); test/unit/retention.test.ts holds them equal to the services'.
 */
export const KEPT = { inbox: 500, grants: 1000 };
/** A list at its retention whose oldest entry is newer than `since`: what it lacks from before may have been dropped. */
const full = (list: Json[], size: number, since: string, at: (e: Json) => string) =>
  list.length >= size && since < at(list[0]);

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

async function get(url: string, token?: string): Promise<{ status: number; body: Json }> {
  const res = await fetch(url, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function post(url: string, body: unknown, token: string): Promise<{ status: number; body: Json }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const TERMINAL = ['SHIPPED', 'CANCELLED'];
/** The ids order's synchronous chain gives the facts it records (services/order/src/http/sync-chain.ts). */
const SYNC_PREFIX = 'sync-';

export async function verify(t: VerifyTarget, input: VerifyInput): Promise<VerifyReport> {
  const problems: string[] = [];
  const u = (svc: string) => {
    const url = t.urls[svc];
    if (!url) throw new Error(`no URL for ${svc}`);
    return url;
  };
  const started = Date.now();
  const orders = new Map<string, Json>();

  // 1. Every accepted order reaches a terminal status within the bound.
  try {
    await waitFor(
      async () => {
        for (const id of input.orderIds) {
          if (TERMINAL.includes(orders.get(id)?.status)) continue;
          const r = await get(`${u('order')}/orders/${id}`);
          if (r.status === 200) orders.set(id, r.body);
        }
        const pending = input.orderIds.filter(id => !TERMINAL.includes(orders.get(id)?.status));
        if (pending.length === 0) return true;
        throw new Error(
          `${pending.length} not terminal, e.g. ${pending[0]}: ${orders.get(pending[0]!)?.status ?? 'not found'}`,
        );
      },
      { timeoutMs: input.boundMs ?? 60_000, what: 'every accepted order to be SHIPPED or CANCELLED', intervalMs: 100 },
    );
  } catch (err) {
    problems.push((err as Error).message);
  }
  const lost = input.orderIds.filter(id => !TERMINAL.includes(orders.get(id)?.status));
  // Where did each lost order's chain stop? One line per order (the first few), from every service that holds a piece.
  for (const id of lost.slice(0, 5)) problems.push(await trailOf(id));

  /** What each service knows of one order: the hop after the last one that knows it is where the chain broke. */
  async function trailOf(id: string): Promise<string> {
    const part = async (what: string, url: string, pick: (b: Json) => string) => {
      const r = await get(url, t.adminToken).catch((err: Error) => ({ status: 0, body: err.message }));
      return `${what}: ${r.status === 200 ? pick(r.body) : r.status === 404 ? 'none' : `HTTP ${r.status}`}`;
    };
    const parts = await Promise.all([
      part('order', `${u('order')}/orders/${id}`, b => b.status),
      part('gateway authorization', `${u('gateway')}/authorizations/${id}`, b =>
        b.approved ? 'approved' : 'declined',
      ),
      part('payment', `${u('payment')}/payments/${id}`, b => `${b.status} at ${b.decidedAt}`),
      part('delivery', `${u('delivery')}/deliveries/${id}`, b => b.status),
      part(
        'audit',
        `${u('audit')}/audit?orderId=${id}`,
        b => (b.entries as Json[]).map(e => e.name).join(', ') || 'nothing',
      ),
    ]);
    return `lost order ${id}: ${parts.join('; ')}`;
  }

  /** One pass over every effect of every order and user; effects converge too, so this is polled. */
  async function evaluate() {
    const problems: string[] = [];
    let duplicatedEffects = 0;
    let eventsPublished = 0;
    const tooOldToTell = { notifications: 0, points: 0 };
    const dup = (what: string) => {
      duplicatedEffects += 1;
      problems.push(what);
    };
    /** Facts stats should have counted (from the audit log). */
    const facts: { kind: string; eventId: string; of: string; subject: string; fact: string }[] = [];
    const missing: MissingEffect[] = [];
    const inboxes = new Map<string, Json[]>();
    const inbox = async (recipient: string) => {
      if (!inboxes.has(recipient)) {
        inboxes.set(
          recipient,
          (await get(`${u('notification')}/notifications?recipient=${encodeURIComponent(recipient)}`)).body
            .notifications ?? [],
        );
      }
      return inboxes.get(recipient)!;
    };

    for (const id of input.orderIds) {
      const o = orders.get(id);
      if (!o || !TERMINAL.includes(o.status)) continue;
      const shipped = o.status === 'SHIPPED';
      // The order applied each fact once.
      const ids = o.history.map((h: Json) => h.eventId);
      if (new Set(ids).size !== ids.length) dup(`order ${id} applied an event twice`);
      // Exactly one payment, consistent with the outcome.
      const pay = await get(`${u('payment')}/payments/${id}`);
      if (pay.status !== 200) problems.push(`order ${id} is ${o.status} but has no payment`);
      else if ((pay.body.status === 'COMPLETED') !== shipped)
        problems.push(`order ${id} is ${o.status} but its payment is ${pay.body.status}`);
      else if (pay.body.amount !== o.totalAmount)
        problems.push(`order ${id} totals ${o.totalAmount} but its payment is of ${pay.body.amount}`);
      // A shipped order was authorised by the gateway, for its total.
      if (shipped) {
        const auth = await get(`${u('gateway')}/authorizations/${id}`);
        if (auth.status !== 200 || !auth.body.approved)
          problems.push(`order ${id} shipped without an approved authorisation (HTTP ${auth.status})`);
        else if (auth.body.amount !== o.totalAmount)
          problems.push(`order ${id} totals ${o.totalAmount} but the gateway authorised ${auth.body.amount}`);
      }
      // Exactly one delivery per paid order.
      const del = await get(`${u('delivery')}/deliveries/${id}`);
      if (shipped && del.body?.status !== 'DISPATCHED')
        problems.push(`order ${id} shipped without a dispatched delivery`);
      // An order of the synchronous chain (?flow=sync) announced no facts: no audit, stats, notification by event or
      // points to check, only its payment, authorisation and delivery above.
      if (o.history[0]?.eventId?.startsWith(SYNC_PREFIX)) continue;
      // Every fact about the order appears exactly once in the audit log.
      const audit = (await get(`${u('audit')}/audit?orderId=${id}`)).body.entries as Json[];
      const names = audit.map(e => e.name).sort();
      const expected = (
        shipped
          ? ['DeliveryStarted', 'OrderCreated', 'PaymentCompleted']
          : ['OrderCancelled', 'OrderCreated', 'PaymentFailed']
      ).sort();
      eventsPublished += audit.length;
      for (const e of audit)
        if (STATS_KINDS[e.name])
          facts.push({ kind: STATS_KINDS[e.name]!, eventId: e.eventId, of: `order ${id}`, subject: id, fact: e.name });
      if (names.length > expected.length)
        dup(`order ${id}: ${names.length} audited facts (${names.join(', ')}), expected ${expected.join(', ')}`);
      else if (names.join() !== expected.join())
        problems.push(`order ${id}: audited ${names.join(', ')}, expected ${expected.join(', ')}`);
      // Exactly one notification per (event, recipient). The order's facts are what audit logged and what the order
      // applied, so a fact still on its way to audit does not make notification look short as well.
      const events = new Set([...audit.map(e => e.eventId), ...ids]);
      const box = await inbox(o.customerId);
      const told = box.filter(n => events.has(n.eventId));
      const expectTold = shipped ? 3 : 2;
      if (told.length > expectTold) dup(`order ${id}: ${told.length} notifications, expected ${expectTold}`);
      else if (told.length < expectTold && full(box, KEPT.inbox, o.createdAt, n => n.sentAt))
        tooOldToTell.notifications += 1;
      else if (told.length < expectTold) {
        problems.push(`order ${id}: ${told.length} notifications, expected ${expectTold}`);
        const toldOf = new Set(told.map(n => n.eventId));
        for (const e of audit.filter(e => NOTIFIED.includes(e.name) && !toldOf.has(e.eventId)))
          missing.push({ eventId: e.eventId, subject: id, fact: e.name, consumer: 'notification' });
      }
      // Purchase points granted once per paid order.
      if (shipped) {
        const acc = await get(`${u('points')}/points/${encodeURIComponent(o.customerId)}`);
        const kept = (acc.body?.grants ?? []) as Json[];
        const grants = kept.filter((g: Json) => g.reason === `purchase ${id}`).length;
        if (grants > 1) dup(`order ${id}: ${grants} purchase point grants`);
        else if (grants < 1 && full(kept, KEPT.grants, o.createdAt, g => g.at)) tooOldToTell.points += 1;
        else if (grants < 1) {
          problems.push(`order ${id}: no purchase points`);
          const paid = audit.find(e => e.name === 'PaymentCompleted');
          if (paid) missing.push({ eventId: paid.eventId, subject: id, fact: paid.name, consumer: 'points' });
        }
      }
    }

    for (const userId of input.userIds ?? []) {
      const acc = await get(`${u('points')}/points/${userId}`);
      const welcome = (acc.body?.grants ?? []).filter((g: Json) => g.reason === 'welcome').length;
      if (welcome !== 1)
        (welcome > 1 ? dup : (m: string) => problems.push(m))(`user ${userId}: ${welcome} welcome grants`);
      const audit = (await get(`${u('audit')}/audit?subject=${userId}`)).body.entries as Json[];
      eventsPublished += audit.length;
      for (const e of audit) {
        facts.push({ kind: 'signups', eventId: e.eventId, of: `user ${userId}`, subject: userId, fact: e.name });
        if (welcome === 0) missing.push({ eventId: e.eventId, subject: userId, fact: e.name, consumer: 'points' });
      }
      if (audit.length !== 1)
        (audit.length > 1 ? dup : (m: string) => problems.push(m))(`user ${userId}: ${audit.length} audited sign-ups`);
    }

    // Stats counted every fact of the run (it dedupes by event id, so a double count is not visible here).
    const stats = { counted: 0, unknown: 0 };
    for (const kind of new Set(facts.map(f => f.kind))) {
      const group = facts.filter(f => f.kind === kind);
      for (let i = 0; i < group.length; i += TALLY_BATCH) {
        const batch = group.slice(i, i + TALLY_BATCH);
        const r = await post(`${u('stats')}/admin/tally`, { [kind]: batch.map(f => f.eventId) }, t.adminToken);
        if (r.status !== 200) {
          problems.push(`stats could not tally ${kind}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
          break;
        }
        const tally = r.body[kind] as { counted: string[]; notCounted: string[]; unknown: string[] };
        stats.counted += tally.counted.length;
        stats.unknown += tally.unknown.length;
        const notCounted = new Set(tally.notCounted);
        for (const f of batch.filter(f => notCounted.has(f.eventId))) {
          problems.push(`stats did not count ${f.of}'s ${kind} fact ${f.eventId}`);
          missing.push({ eventId: f.eventId, subject: f.subject, fact: f.fact, consumer: 'stats' });
        }
      }
    }

    return { problems, duplicatedEffects, eventsPublished, stats, tooOldToTell, missing };
  }

  let effects = await evaluate();
  const deadline = started + (input.boundMs ?? 60_000);
  while (effects.problems.length > 0 && effects.duplicatedEffects === 0 && Date.now() < deadline) {
    await new Promise(r => setTimeout(r, 250));
    effects = await evaluate();
  }
  const convergedInMs = Date.now() - started;
  problems.push(...effects.problems);
  const { duplicatedEffects, eventsPublished, stats, tooOldToTell, missing } = effects;

  // Deliveries and redeliveries, as each consumer counted them, and what order's open-orders watch announced again.
  const counters = await readCounters(t);
  const deliveries = { total: 0, redeliveries: 0 };
  for (const [svc, topics] of Object.entries(counters.deliveries)) {
    for (const [topic, c] of Object.entries(topics)) {
      const b = input.baseline?.deliveries[svc]?.[topic];
      // A counter smaller than its baseline belongs to a process that restarted during the run.
      const since = b && c.deliveries >= b.deliveries ? b : { deliveries: 0, redeliveries: 0 };
      deliveries.total += c.deliveries - since.deliveries;
      deliveries.redeliveries += Math.max(0, c.redeliveries - since.redeliveries);
    }
  }
  const base = input.baseline?.reannounced ?? 0;
  const reannounced = counters.reannounced >= base ? counters.reannounced - base : counters.reannounced;

  const dl = await get(`${u('audit')}/admin/dead-letters`, t.adminToken);
  const deadLetters = dl.body?.count ?? 0;
  if (input.expectedDeadLetters !== undefined && deadLetters !== input.expectedDeadLetters) {
    problems.push(
      `dead-letter topic holds ${deadLetters} events, the run put ${input.expectedDeadLetters} there on purpose`,
    );
  }

  const shipped = [...orders.values()].filter(o => o.status === 'SHIPPED').length;
  const cancelled = [...orders.values()].filter(o => o.status === 'CANCELLED').length;
  return {
    ok: problems.length === 0,
    problems,
    orders: { accepted: input.orderIds.length, shipped, cancelled, lost: lost.length },
    users: input.userIds?.length ?? 0,
    eventsPublished,
    deliveries,
    reannounced,
    counters,
    duplicatedEffects,
    deadLetters,
    stats,
    tooOldToTell,
    missing,
    convergedInMs,
  };
}

/**
 * Announces each missing fact again, addressed to the consumers that lack it (audit's POST
 * /admin/facts/:eventId/redeliver, one request per fact): what a side consumer lost after its order finished is
 * healed by an operator, since no watch of the flow sees it. Every consumer that has the fact ignores the copy.
 */
export async function heal(
  t: VerifyTarget,
  missing: readonly MissingEffect[],
): Promise<{ announced: number; failed: string[] }> {
  const byFact = new Map<string, { m: MissingEffect; to: Set<string> }>();
  for (const m of missing) {
    const k = `${m.subject}\u0000${m.eventId}`;
    const had = byFact.get(k);
    if (had) had.to.add(m.consumer);
    else byFact.set(k, { m, to: new Set([m.consumer]) });
  }
  const audit = t.urls.audit;
  if (!audit) throw new Error('no URL for audit');
  const failed: string[] = [];
  for (const { m, to } of byFact.values()) {
    const url = `${audit}/admin/facts/${encodeURIComponent(m.eventId)}/redeliver`;
    const r = await post(url, { subject: m.subject, to: [...to].sort() }, t.adminToken);
    if (r.status !== 200)
      failed.push(`${m.fact} ${m.eventId} of ${m.subject}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  }
  return { announced: byFact.size - failed.length, failed };
}

export function formatReport(name: string, r: VerifyReport): string {
  return [
    `${name}: ${r.ok ? 'OK' : 'FAILED'}`,
    `  orders accepted ${r.orders.accepted}: shipped ${r.orders.shipped}, cancelled ${r.orders.cancelled}, lost ${r.orders.lost}`,
    `  events published ${r.eventsPublished}; deliveries ${r.deliveries.total}, of which redeliveries ${r.deliveries.redeliveries}`,
    `  orders announced again by order's open-orders watch: ${r.reannounced}`,
    `  duplicated effects ${r.duplicatedEffects}; dead letters ${r.deadLetters}; converged in ${r.convergedInMs} ms`,
    `  facts counted by stats ${r.stats.counted}${r.stats.unknown ? `, too old for stats to tell ${r.stats.unknown}` : ''}`,
    ...(r.tooOldToTell.notifications + r.tooOldToTell.points > 0
      ? [
          `  orders older than a full inbox or account keeps (not checked there): notifications ` +
            `${r.tooOldToTell.notifications}, purchase points ${r.tooOldToTell.points}`,
        ]
      : []),
    ...(r.missing.length > 0
      ? [
          `  facts a side consumer shows no effect of: ${r.missing.length} (` +
            [...new Set(r.missing.map(m => m.consumer))].sort().join(', ') +
            '); ./lab verify --heal announces them again to it',
        ]
      : []),
    ...r.problems.slice(0, 20).map(p => `  problem: ${p}`),
  ].join('\n');
}

/** Reads every service's delivery counters and order's re-announcements (a service that does not answer counts 0). */
export async function readCounters(t: VerifyTarget): Promise<Counters> {
  const deliveries: Counters['deliveries'] = {};
  const each = (svc: string, url: string) => t.instances?.[svc] ?? [url];
  for (const [svc, url] of Object.entries(t.urls)) {
    const sum: Counters['deliveries'][string] = {};
    for (const u of each(svc, url)) {
      const r = await get(`${u}/admin/deliveries`, t.adminToken).catch(() => undefined);
      const counts = (r?.status === 200 ? r.body : {}) as Counters['deliveries'][string];
      for (const [topic, c] of Object.entries(counts)) {
        const s = (sum[topic] ??= { deliveries: 0, redeliveries: 0 });
        s.deliveries += c.deliveries;
        s.redeliveries += c.redeliveries;
      }
    }
    deliveries[svc] = sum;
  }
  let reannounced = 0;
  for (const u of t.urls.order ? each('order', t.urls.order) : []) {
    const watch = await get(`${u}/admin/open-orders`, t.adminToken).catch(() => undefined);
    reannounced += (watch?.body?.thisProcess?.reannounced ?? 0) as number;
  }
  return { deliveries, reannounced };
}
