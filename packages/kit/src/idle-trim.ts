// Gives back the young generation's memory once a process goes quiet.
//
// V8 makes new objects in its young generation (two semi-spaces) and grows it while a process allocates fast: loading
// a service's modules alone grows it to 2 x 8 MB, a burst of deliveries to 2 x 16 MB. It then keeps that size however
// long the process sits idle: V8 shrinks it only at a collection that finds the process allocating slowly, and a
// process idle enough to deserve it goes minutes without one (a service at rest makes about 20 KB a second). This
// watches the process in windows of `everyMs`: a window in which no collection ran and less than `quietBytes` of new
// objects were made is quiet, and in a quiet window a young generation above `floorBytes` is trimmed by one
// memory-reducing collection (V8's "last resort" full collection, which also shrinks the young generation to its
// minimum). Load grows it again as before, so throughput under load does not change; the price is one full collection
// (a few milliseconds on a service's heap) per quiet spell that follows work. It needs V8's `gc` function, which the
// process gets at start from V8's own flag (see `gcFunction`), not from the command line.
//
// Only this file's imports are Node's own, so its test can load it, unbuilt, into a process of its own.
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** The young generation at one instant: its capacity and how much of it is in use. */
export interface Young {
  capacityBytes: number;
  usedBytes: number;
}

export interface Trim {
  /** Young generation capacity before and after the collection. */
  beforeBytes: number;
  afterBytes: number;
  /** How long the collection took. */
  ms: number;
}

export interface IdleTrimOptions {
  /** Length of one window watched (IDLE_TRIM_MS); 0 turns trimming off. */
  everyMs: number;
  /**
   * Less than this made in new objects during a window (and no collection) makes it quiet. Default 4 MiB: one
   * Prometheus scrape of a service allocates about 0.5 MB, so being read now and then does not keep it busy.
   */
  quietBytes?: number;
  /** A young generation at or below this capacity is left alone. Default 4 MiB (V8's minimum is 1 MiB). */
  floorBytes?: number;
  /** Told of each trim. */
  onTrim?: (t: Trim) => void;
}

export const QUIET_BYTES = 4 * 1024 * 1024;
export const FLOOR_BYTES = 4 * 1024 * 1024;

export function youngGeneration(): Young {
  const s = getHeapSpaceStatistics().find(x => x.space_name === 'new_space');
  return { capacityBytes: s?.space_size ?? 0, usedBytes: s?.space_used_size ?? 0 };
}

/**
 * The decision, apart so it can be tested alone: between two readings of the young generation, with `collections`
 * the number of collections seen in between, trim when the window was quiet and there is something to give back.
 * With no collection in between, the growth of the used part is what the process allocated.
 */
export function shouldTrim(
  before: Young,
  now: Young,
  collections: number,
  o: { quietBytes: number; floorBytes: number },
): boolean {
  if (collections > 0) return false;
  if (now.usedBytes - before.usedBytes >= o.quietBytes) return false;
  return now.capacityBytes > o.floorBytes;
}

type GcFunction = (o?: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;
let gcFn: GcFunction | undefined;

/**
 * V8's `gc`, obtained once: setting V8's --expose-gc flag while running makes contexts created afterwards carry the
 * function, so a fresh context hands it over without the flag being set on the command line (where it would also
 * expose `gc` to every module of the process).
 */
export function gcFunction(): GcFunction {
  if (!gcFn) {
    setFlagsFromString('--expose-gc');
    gcFn = runInNewContext('gc') as GcFunction;
    setFlagsFromString('--no-expose-gc');
  }
  return gcFn;
}

/** One memory-reducing collection now; returns what it did to the young generation. */
export function trimNow(): Trim {
  const before = youngGeneration().capacityBytes;
  const started = performance.now();
  gcFunction()({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  return { beforeBytes: before, afterBytes: youngGeneration().capacityBytes, ms: performance.now() - started };
}

/** Starts watching; the returned function stops it. Its timer never keeps the process alive. */
export function startIdleTrim(o: IdleTrimOptions): () => void {
  if (o.everyMs <= 0) return () => {};
  const limits = { quietBytes: o.quietBytes ?? QUIET_BYTES, floorBytes: o.floorBytes ?? FLOOR_BYTES };
  let collections = 0;
  const observer = new PerformanceObserver(list => {
    collections += list.getEntries().length;
  });
  observer.observe({ entryTypes: ['gc'] });
  let last = youngGeneration();
  const timer = setInterval(() => {
    const now = youngGeneration();
    const quiet = shouldTrim(last, now, collections, limits);
    collections = 0;
    last = now;
    if (!quiet) return;
    o.onTrim?.(trimNow());
    // The trim's own collections are reported after this tick: the next window starts from the trimmed state and is
    // not quiet, which changes nothing (the young generation is at its floor).
    last = youngGeneration();
  }, o.everyMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    observer.disconnect();
  };
}
