// Polling with a deadline: the only way the runtime and the tests wait for anything.
export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  what: string;
}

/** Calls `probe` until it returns a non-undefined value; on timeout the error says what was last seen. */
export async function waitFor<T>(probe: () => Promise<T | undefined>, opts: WaitOptions): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let last: string;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
      last = 'not ready';
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${opts.what}; last seen: ${last}`);
    }
    await new Promise(r => setTimeout(r, opts.intervalMs ?? 100));
  }
}

export async function httpStatus(url: string, timeoutMs = 1000): Promise<number> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  await res.arrayBuffer();
  return res.status;
}
