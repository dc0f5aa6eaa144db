// Handlers whose whole effect is read-modify-writes of state keys, declared as such so that a bulk delivery folds its
// events per key: one read for the batch and one write per key it touches, where events handled one at a time cost a
// read and a write each. One event delivered alone takes the same path (a batch of one).
import type { CloudEvent, EventContract, EventData } from '@lab/contracts';
import type { StateStore } from './dapr';
import { noteAlreadyApplied } from './delivery-metrics';
import { checkStateKey, StateKeyError } from './keys';
import type { EventContext, Subscription } from './subscriptions';
import { readEntries, updateState, type KeyUpdate, type Mutation } from './update';

/** What one event does to state. */
export interface StateEffect {
  /**
   * Its updates, in the order they must land: a later one is written only once the earlier ones are (a crash or a
   * failure between them leaves the earlier without the later, never the other way round). Each mutation is
   * idempotent: it returns undefined when the event is already applied to its key (updateState's inbox check).
   */
  readonly updates: readonly KeyUpdate[];
  /**
   * The event's inbox when it lives apart from the updates' own checks: a key, and whether its value (as read) holds
   * the event. When it does, nothing is written: a duplicate.
   */
  readonly inbox?: { readonly key: string; holds(value: unknown): boolean };
  /**
   * Runs once every update landed or was already there (a duplicate too, `applied` false): what the event leads to
   * beyond state (a log line, a fact announced). Its failure fails the event, so a redelivery runs it again.
   */
  readonly after?: (applied: boolean) => void | Promise<void>;
}

/** How one event of a fold ended: its error (the rest of its batch goes on), or whether it changed nothing at all. */
export interface FoldOutcome {
  error?: unknown;
  duplicate: boolean;
}

/**
 * Applies many events' effects with one read of every key they name and one write per key and step: the mutations of
 * one key compose in the order of `effects`, so a key's value after the fold is what applying the events one by one
 * would have left. Each write is guarded by the etag read and retried alone on a conflict (updateState), its
 * composed mutation re-run on what won. A key that cannot be written fails the events that touch it, and only
 * those; their later steps are not written. Not a transaction across keys, as updateEach is not.
 */
export async function applyEffects(
  state: StateStore,
  effects: readonly StateEffect[],
  opts: { maxAttempts?: number } = {},
): Promise<FoldOutcome[]> {
  const out: FoldOutcome[] = effects.map(() => ({ duplicate: true }));
  const keys = [...new Set(effects.flatMap(keysOf))];
  const read = await readEntries(state, keys);
  let alive = effects
    .map((_, i) => i)
    .filter(i => {
      const inbox = effects[i].inbox;
      return !inbox?.holds(read.get(inbox.key)?.value);
    });
  const written = new Set<string>();
  const steps = Math.max(0, ...effects.map(e => e.updates.length));
  for (let step = 0; step < steps; step++) {
    const byKey = new Map<string, { i: number; mutate: Mutation<unknown> }[]>();
    for (const i of alive) {
      const u = effects[i].updates[step];
      if (!u) continue;
      const list = byKey.get(u.key) ?? [];
      list.push({ i, mutate: u.mutate as Mutation<unknown> });
      byKey.set(u.key, list);
    }
    const failed = new Set<number>();
    await Promise.all(
      [...byKey].map(async ([key, list]) => {
        const changed = list.map(() => false);
        // A mutation that throws fails its own event only: the others' still compose (every attempt starts over).
        let thrown: unknown[] = [];
        const composed: Mutation<unknown> = cur => {
          let value = cur;
          let any = false;
          thrown = list.map(() => undefined);
          list.forEach((u, j) => {
            let next: unknown;
            try {
              next = u.mutate(value);
            } catch (err) {
              thrown[j] = err ?? new Error('a mutation threw nothing');
              next = undefined;
            }
            changed[j] = next !== undefined;
            if (next !== undefined) [value, any] = [next, true];
          });
          return any ? value : undefined;
        };
        try {
          const r = await updateState(state, key, composed, {
            maxAttempts: opts.maxAttempts,
            read: written.has(key) ? undefined : { entry: read.get(key) },
          });
          if (r.changed) written.add(key);
          list.forEach((u, j) => {
            if (thrown[j] !== undefined) {
              out[u.i].error ??= thrown[j];
              failed.add(u.i);
            } else if (changed[j]) out[u.i].duplicate = false;
          });
        } catch (err) {
          for (const u of list) {
            out[u.i].error ??= err;
            failed.add(u.i);
          }
        }
      }),
    );
    alive = alive.filter(i => !failed.has(i));
  }
  await Promise.all(
    effects.map(async (e, i) => {
      if (out[i].error !== undefined || !e.after) return;
      try {
        await e.after(!out[i].duplicate);
      } catch (err) {
        out[i].error = err;
      }
    }),
  );
  return out;
}

const keysOf = (e: StateEffect) => [...(e.inbox ? [e.inbox.key] : []), ...e.updates.map(u => u.key)];

/**
 * Declares a handler whose effect is `effect`'s key updates. Delivered alone, the event's effect is applied as a
 * batch of one (its duplicate counted as any handler's); in a bulk delivery the subscription folds the batch
 * (handleMany), so keys shared by its events are read and written once.
 */
export function onState<C extends EventContract>(
  contract: C,
  state: StateStore,
  effect: (event: CloudEvent<EventData<C>>, ctx: EventContext) => StateEffect,
  opts: { maxAttempts?: number } = {},
): Subscription {
  const sub: Subscription<C> = {
    contract,
    async handle(event, ctx) {
      const [o] = await applyEffects(state, [effect(event, ctx)], opts);
      if (o.error) throw o.error;
      // updateState counted each key it found already applied; an inbox that held the event wrote nothing at all.
      if (o.duplicate) noteAlreadyApplied();
    },
    async handleMany(items) {
      const planned: { i: number; effect: StateEffect }[] = [];
      const out: FoldOutcome[] = items.map(() => ({ duplicate: false }));
      items.forEach(({ event, ctx }, i) => {
        try {
          const e = effect(event, ctx);
          // A key the store refuses fails its own event here, not the batch's one read.
          keysOf(e).forEach(checkStateKey);
          planned.push({ i, effect: e });
        } catch (error) {
          out[i] = { error, duplicate: false };
        }
      });
      const effects = planned.map(p => p.effect);
      const folded = await applyEffects(state, effects, opts).catch(async (error: unknown) => {
        // The one read failed for all. A key daprd refused that checkStateKey let pass: each event alone, in order,
        // so only its own event is set aside; anything else (the sidecar away) fails every event, to be retried.
        if (!(error instanceof StateKeyError)) return effects.map((): FoldOutcome => ({ error, duplicate: false }));
        const alone: FoldOutcome[] = [];
        for (const e of effects)
          alone.push((await applyEffects(state, [e], opts).catch(err => [{ error: err, duplicate: false }]))[0]);
        return alone;
      });
      planned.forEach((p, j) => (out[p.i] = folded[j]));
      return out;
    },
  };
  return sub as unknown as Subscription;
}
