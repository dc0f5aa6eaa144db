// What a process last wrote (or read) under a state key, with the etag the store then had: where its next
// read-modify-write of that key starts instead of reading it again. Every consumer writes the keys it reads (an
// order three times, a counter shard dozens of times a minute), so most of their reads only fetch what the same
// process wrote a moment ago.
//
// The store does not answer a write with its new etag, so after a write the etag is worked out: the Redis state
// store's etag is a version counter that each write raises by one and a first write starts at 1 (components-contrib
// v1.18.0 state/redis, setDefaultQuery: HINCRBY version 1). Nothing is trusted beyond what the etag guards: a write
// from a recalled entry carries its etag, so if anyone wrote in between, or the guess is wrong (another store
// counts otherwise), the write is refused as a conflict, the entry is forgotten and updateState reads afresh.

/** An entry as remembered: the JSON text written or read (parsed afresh on each recall, so no caller shares it). */
interface Remembered {
  text: string;
  etag: string;
}

export interface EntryMemory {
  /** The entry last seen under `key`, or undefined (never seen, forgotten, or let go for room). */
  recall(key: string): { value: unknown; etag: string } | undefined;
  /** After a read that found `text` at `etag`. */
  read(key: string, text: string, etag: string): void;
  /**
   * After this process wrote `text` under `key` at `etag` (undefined: a write that required the key absent; `plain`
   * true: a write with no condition, whose version is unknown and is forgotten).
   */
  wrote(key: string, text: string, at: { etag?: string; plain?: boolean }): void;
  /** After a refused, failed or unanswered write, or a delete: the key's store entry is unknown. */
  forget(key: string, etag?: string): void;
  /** Bytes of JSON text held (tests, metrics). */
  readonly bytes: number;
}

const counter = (etag: string): bigint | undefined => (/^\d{1,18}$/.test(etag) ? BigInt(etag) : undefined);

/**
 * Remembers up to `maxBytes` of entries (their JSON text), the least recently used let go first; 0 remembers
 * nothing. Only counter etags are worked out; an entry whose etag is no counter is never remembered after a write.
 */
export function entryMemory(maxBytes: number): EntryMemory {
  const entries = new Map<string, Remembered>();
  let bytes = 0;

  const drop = (key: string) => {
    const e = entries.get(key);
    if (!e) return;
    bytes -= e.text.length;
    entries.delete(key);
  };

  /** Keeps the newer of two versions of a key (answers can arrive out of order); then makes room. */
  const keep = (key: string, next: Remembered) => {
    if (maxBytes === 0 || next.text.length > maxBytes / 4) return drop(key);
    const cur = entries.get(key);
    const [a, b] = [cur && counter(cur.etag), counter(next.etag)];
    if (a !== undefined && b !== undefined && b < a) return;
    drop(key);
    entries.set(key, next);
    bytes += next.text.length;
    for (const [k] of entries) {
      if (bytes <= maxBytes) break;
      drop(k);
    }
  };

  return {
    recall(key) {
      const e = entries.get(key);
      if (!e) return undefined;
      entries.delete(key);
      entries.set(key, e);
      return { value: JSON.parse(e.text) as unknown, etag: e.etag };
    },
    read(key, text, etag) {
      keep(key, { text, etag });
    },
    wrote(key, text, at) {
      if (at.plain) return drop(key);
      const before = at.etag === undefined ? 0n : counter(at.etag);
      if (before === undefined) return drop(key);
      keep(key, { text, etag: String(before + 1n) });
    },
    forget(key, etag) {
      if (etag === undefined || entries.get(key)?.etag === etag) drop(key);
    },
    get bytes() {
      return bytes;
    },
  };
}
