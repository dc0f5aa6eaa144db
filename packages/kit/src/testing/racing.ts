// A state store that loses races on purpose, for tests of what an update does when someone else wrote first.
import type { StateStore } from '../dapr';
import { MemoryState } from './memory';

/**
 * The memory store, whose next `n` writes each lose a race: just before each, someone else writes `theirs` of what
 * the key holds. `puts` lists every value the caller tried to write, lost or not.
 */
export function racingStore<T>(n: number, theirs: (cur: T | undefined) => T, inner = new MemoryState()) {
  let races = n;
  const puts: unknown[] = [];
  const store: StateStore = {
    get: k => inner.get(k),
    getMany: k => inner.getMany(k),
    getEntries: k => inner.getEntries(k),
    delete: k => inner.delete(k),
    put: async (k, v, o) => {
      if (races > 0) {
        races -= 1;
        await inner.put(k, theirs((await inner.get<T>(k))?.value));
      }
      puts.push(v);
      await inner.put(k, v, o);
    },
  };
  return { store, inner, puts };
}
