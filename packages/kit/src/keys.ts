// State keys daprd cannot store: refused before any call, and daprd's own refusal mapped to the same 400, so a
// key error is an answer (HTTP 400; a dead letter in an event handler), never a 500 retried for minutes.
import type { StateStore } from './dapr';
import { HttpError } from './errors';

/** daprd cannot store this key (it contains `||`, daprd's own separator): deterministic, never worth a retry. */
export class StateKeyError extends HttpError {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(400, 'invalid_key', `the state store refuses the key "${key.slice(0, 200)}": ${reason.slice(0, 300)}`);
    this.name = 'StateKeyError';
  }
}

/** Refuses, before any call, a key daprd would refuse (so the memory double and daprd agree). */
export function checkStateKey(key: string): void {
  if (key.includes('||')) throw new StateKeyError(key, "a key can't contain '||'");
}

/** daprd's answer to a key it refuses: HTTP 400, ERR_MALFORMED_REQUEST, "input key/keyPrefix '...' can't contain". */
const DAPRD_KEY_ERROR = /HTTP 400|ERR_MALFORMED_REQUEST|can't contain/;

/** The store with every key checked first, and daprd's key refusals turned into StateKeyError. */
export function withKeyChecks(store: StateStore): StateStore {
  const mapped = async <T>(keys: readonly string[], call: () => Promise<T>): Promise<T> => {
    keys.forEach(checkStateKey);
    try {
      return await call();
    } catch (err) {
      if (err instanceof Error && !(err instanceof HttpError) && DAPRD_KEY_ERROR.test(err.message)) {
        throw new StateKeyError(keys.join(', '), err.message);
      }
      throw err;
    }
  };
  return {
    get: key => mapped([key], () => store.get(key)),
    getMany: keys => mapped(keys, () => store.getMany(keys)),
    getEntries: keys => mapped(keys, () => store.getEntries(keys)),
    put: (key, value, opts) => mapped([key], () => store.put(key, value, opts)),
    delete: key => mapped([key], () => store.delete(key)),
    ...(store.recall ? { recall: store.recall.bind(store) } : {}),
  };
}
