// Read-modify-write of one state key under optimistic concurrency: the primitive every consumer is built on.
import type { StateEntry, StateStore } from './dapr';
import { StateConflictError } from './errors';
import { noteStateUpdate } from './delivery-metrics';

export type Mutation<T> = (current: T | undefined) => T | undefined;

export interface UpdateResult<T> {
  /** The value now stored (unchanged when the mutation returned undefined). */
  value: T | undefined;
  changed: boolean;
}

export interface UpdateOptions<T> {
  /** Lost races before the conflict is thrown (default 25). */
  maxAttempts?: number;
  /**
   * What a read of `key` just found (`entry` undefined: the key was absent), when the caller had to read it anyway
   * (to decide whether to do anything at all): the first attempt starts from it instead of reading again. Its etag
   * still guards the write, so a stale one only costs a lost race, and every retry reads afresh.
   */
  read?: { entry: StateEntry<T> | undefined };
}

/**
 * Applies `mutate` to the stored value and writes the result only if nobody wrote in between
 * (etag, or first-write for a new key); retries with jitter on a conflict. Returning undefined
 * from `mutate` means "nothing to do" (e.g. the event was already applied).
 */
export async function updateState<T>(
  state: StateStore,
  key: string,
  mutate: Mutation<T>,
  opts: UpdateOptions<T> = {},
): Promise<UpdateResult<T>> {
  const maxAttempts = opts.maxAttempts ?? 25;
  // The first attempt starts from what the caller read, else from what the store recalls, else from a read; a retry
  // always reads.
  let known = opts.read ?? recalled(state, key);
  for (let attempt = 1; ; attempt++) {
    const entry = known ? known.entry : await state.get<T>(key);
    known = undefined;
    const next = mutate(entry?.value);
    if (next === undefined) {
      // The inbox check of every consumer: its effect is already there (counted as a duplicate delivery).
      noteStateUpdate(false);
      return { value: entry?.value, changed: false };
    }
    try {
      await state.put(key, next, entry ? { etag: entry.etag } : { onlyIfAbsent: true });
      noteStateUpdate(true);
      return { value: next, changed: true };
    } catch (err) {
      if (!(err instanceof StateConflictError) || attempt >= maxAttempts) throw err;
      await new Promise(r => setTimeout(r, Math.random() * Math.min(50, 2 * attempt)));
    }
  }
}

function recalled<T>(state: StateStore, key: string): { entry: StateEntry<T> } | undefined {
  const entry = state.recall?.<T>(key);
  return entry ? { entry } : undefined;
}

/** One key's read-modify-write, for updateEach. */
export interface KeyUpdate<T = unknown> {
  key: string;
  mutate: Mutation<T>;
}

/** A key's update with its value's type, for a list that holds updates of several (updateEach, a StateEffect). */
export const keyUpdate = <T>(key: string, mutate: Mutation<T>): KeyUpdate =>
  ({ key, mutate: mutate as Mutation<unknown> }) as KeyUpdate;

/**
 * Several independent read-modify-writes (distinct keys) that start from one bulk read instead of a read each: one
 * call to the store for all the reads, then each key written under its own etag and retried alone on a conflict,
 * as updateState does. Not a transaction: each mutation must stand on its own (idempotent), which every index
 * update is. (Dapr's state transactions cannot replace it on Redis: the component runs them as MULTI/EXEC of
 * scripts, so a failed etag check does not roll the others back, and a first write there is not checked at all.)
 */
export async function updateEach(state: StateStore, updates: readonly KeyUpdate[]): Promise<UpdateResult<unknown>[]> {
  if (new Set(updates.map(u => u.key)).size !== updates.length) throw new Error('updateEach: each key once');
  const read = await readEntries(
    state,
    updates.map(u => u.key),
  );
  const out: UpdateResult<unknown>[] = [];
  for (const u of updates) out.push(await updateState(state, u.key, u.mutate, { read: { entry: read.get(u.key) } }));
  return out;
}

/**
 * The entries of `keys` as an update starts from them: what the store recalls, and one read (a bulk read for
 * several keys) of the rest; absent keys are absent from the map.
 */
export async function readEntries(
  state: StateStore,
  keys: readonly string[],
): Promise<Map<string, StateEntry<unknown>>> {
  const out = new Map<string, StateEntry<unknown>>();
  const rest: string[] = [];
  for (const key of keys) {
    const entry = state.recall?.(key);
    if (entry) out.set(key, entry);
    else rest.push(key);
  }
  if (rest.length === 1) {
    const entry = await state.get<unknown>(rest[0]);
    if (entry) out.set(rest[0], entry);
  } else if (rest.length > 1) {
    for (const [k, e] of await state.getEntries<unknown>(rest)) out.set(k, e);
  }
  return out;
}

/** Keeps the newest `max` items: how every processed-id list and index stays bounded. */
export function capped<T>(items: T[], max: number): T[] {
  return items.length > max ? items.slice(items.length - max) : items;
}

/**
 * A stable shard number for an id (FNV-1a). Hot aggregates (counters, indexes by type) are split into
 * shards so concurrent consumers rarely write the same key, and a redelivered event always lands in the
 * shard that remembers it.
 */
export function shardOf(id: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % shards;
}
