// The Dapr building blocks the services use, behind small interfaces: state, publish, invocation.
import type { CloudEvent, EventContract } from '@lab/contracts';
import { SidecarUnavailableError, StateConflictError } from './errors';
import { entryMemory } from './recall';
import { sidecarRequest } from './sidecar-http';

export interface StateEntry<T> {
  value: T;
  etag: string;
}

export interface PutOptions {
  /** Optimistic concurrency: write only if the stored etag still matches. */
  etag?: string;
  /** First write wins: fail with StateConflictError if the key already exists. */
  onlyIfAbsent?: boolean;
}

export interface StateStore {
  get<T>(key: string): Promise<StateEntry<T> | undefined>;
  /** Values of many keys in one call (missing keys are absent from the map). */
  getMany<T>(keys: string[]): Promise<Map<string, T>>;
  /** Values and etags of many keys in one call (missing keys are absent), for updates that start from them. */
  getEntries<T>(keys: string[]): Promise<Map<string, StateEntry<T>>>;
  /** Throws StateConflictError when `etag` or `onlyIfAbsent` does not hold. */
  put<T>(key: string, value: T, opts?: PutOptions): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * The entry this process last wrote or read under `key`, with the etag the store then had, when the store keeps
   * such a memory (recall.ts); undefined when it does not know. Where a read-modify-write may start without a read:
   * the etag still guards its write, so a stale entry costs a refused write and a fresh read, never a lost update.
   */
  recall?<T>(key: string): StateEntry<T> | undefined;
}

export interface PublishOptions {
  /** Abandons the publish (e.g. the HTTP client that asked for it went away). */
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface EventBus {
  publish<C extends EventContract>(contract: C, event: CloudEvent, opts?: PublishOptions): Promise<void>;
}

export interface InvokeOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export interface InvokeResult<T = unknown> {
  status: number;
  body: T;
}

export interface Invoker {
  /**
   * Synchronous service invocation through the sidecar (`/v1.0/invoke/<appId>/method/<path>`), so the
   * resiliency policy for that app (timeout, retry, circuit breaker) applies. Resolves every HTTP answer;
   * rejects only when no answer came back.
   */
  invoke<T = unknown>(appId: string, path: string, opts?: InvokeOptions): Promise<InvokeResult<T>>;
}

export interface Sidecar {
  /** True when the sidecar answers its health endpoint. */
  healthy(): Promise<boolean>;
}

export interface DaprPorts {
  state: StateStore;
  bus: EventBus;
  invoker: Invoker;
  sidecar: Sidecar;
}

export interface DaprSettings {
  daprHost: string;
  daprHttpPort: number;
  daprApiToken: string | undefined;
  pubsubName: string;
  stateStore: string;
  /** Deadline of each state and publish call (default DEFAULT_SIDECAR_TIMEOUT_MS). */
  daprTimeoutMs?: number;
  /** JSON text of entries the state store remembers for recall (STATE_RECALL_BYTES; 0 or unset: none). */
  stateRecallBytes?: number;
}

/** daprd answers an etag mismatch with 409; the Redis store reports a first-write refusal as "failed to set key". */
function isConflict(status: number, text: string): boolean {
  return status === 409 || /etag|version mismatch|already exists|failed to set key/i.test(text);
}

/** Deadline of every state and publish call unless a call says otherwise (DAPR_TIMEOUT_MS). */
export const DEFAULT_SIDECAR_TIMEOUT_MS = 5000;

/**
 * Deadline of a service invocation: the target's own resiliency policy (timeouts, retries, e.g. the gateway's
 * 3 x 2 s) runs inside it, so it is longer than a state call's.
 */
export const INVOKE_TIMEOUT_MS = 15_000;

/**
 * The real thing: daprd's HTTP API on kept-alive sockets, every call under a deadline (no call can hang a
 * request or a handler). No answer, a passed deadline or a 5xx from daprd is a SidecarUnavailableError (503).
 */
export function connectDapr(s: DaprSettings): DaprPorts {
  const timeoutMs = s.daprTimeoutMs ?? DEFAULT_SIDECAR_TIMEOUT_MS;
  const base = `http://${s.daprHost}:${s.daprHttpPort}/v1.0`;
  const headers: Record<string, string> = s.daprApiToken ? { 'dapr-api-token': s.daprApiToken } : {};
  const json = { ...headers, 'content-type': 'application/json' };
  const stateUrl = `${base}/state/${encodeURIComponent(s.stateStore)}`;
  const memory = entryMemory(s.stateRecallBytes ?? 0);

  /** daprd answered, but not with success: 5xx is the sidecar's or its component's failure, else a plain error. */
  const failure = (what: string, status: number, text: string) =>
    status >= 500
      ? new SidecarUnavailableError(`${what}: daprd answered ${status} ${text.slice(0, 200)}`, 'unknown')
      : new Error(`${what} failed: HTTP ${status} ${text.slice(0, 200)}`);

  const state: StateStore = {
    // A single-key read: the ETag header is the value's version.
    async get<T>(key: string) {
      const {
        status,
        headers: answer,
        text,
      } = await sidecarRequest(`${stateUrl}/${encodeURIComponent(key)}`, {
        headers,
        timeoutMs,
      });
      if (status === 204 || (status === 200 && text === '')) return undefined;
      if (status !== 200) throw failure(`state get of "${key}"`, status, text);
      const etag = answer.etag;
      // Without a version, an update could silently overwrite a concurrent one: refuse rather than risk it.
      if (!etag) throw new Error(`state get of "${key}" returned no ETag`);
      memory.read(key, text, etag);
      return { value: JSON.parse(text) as T, etag };
    },
    async getMany<T>(keys: string[]) {
      const out = new Map<string, T>();
      for (const [k, e] of await state.getEntries<T>(keys)) out.set(k, e.value);
      return out;
    },
    async getEntries<T>(keys: string[]) {
      const out = new Map<string, StateEntry<T>>();
      if (keys.length === 0) return out;
      const { status, text } = await sidecarRequest(`${stateUrl}/bulk`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ keys, parallelism: 10 }),
        timeoutMs,
      });
      if (status !== 200) throw failure(`state bulk get of ${keys.length} keys`, status, text);
      const items = JSON.parse(text) as Array<{ key: string; data?: T; etag?: string; error?: string }>;
      for (const item of items) {
        if (item.error) throw failure(`state bulk get of "${item.key}"`, 500, item.error);
        if (item.data === undefined || item.data === null || (item.data as unknown) === '') continue;
        // As for a single read: without a version, an update could overwrite a concurrent one.
        if (!item.etag) throw new Error(`state bulk get of "${item.key}" returned no etag`);
        out.set(item.key, { value: item.data, etag: item.etag });
      }
      return out;
    },
    async put<T>(key: string, value: T, opts: PutOptions = {}) {
      if (opts.etag === '') throw new Error(`refusing to write "${key}" with an empty etag`);
      const item: Record<string, unknown> = { key };
      // First-write concurrency: with an etag, write only if it still matches; without one, the Redis store
      // inserts only when the key is absent.
      if (opts.etag) item.etag = opts.etag;
      if (opts.etag || opts.onlyIfAbsent) item.options = { concurrency: 'first-write' };
      // The value's text once: it is the body's last member and what the memory keeps.
      const text = JSON.stringify(value);
      const body = `[${JSON.stringify(item).slice(0, -1)},"value":${text}}]`;
      let answer: { status: number; text: string };
      try {
        answer = await sidecarRequest(stateUrl, { method: 'POST', headers: json, body, timeoutMs });
      } catch (err) {
        memory.forget(key); // written or not: unknown
        throw err;
      }
      const { status, text: reply } = answer;
      if (status === 204 || status === 200) {
        memory.wrote(key, text, opts.etag ? { etag: opts.etag } : { plain: !opts.onlyIfAbsent });
        return;
      }
      if (isConflict(status, reply)) {
        memory.forget(key, opts.etag);
        throw new StateConflictError(key);
      }
      memory.forget(key);
      throw failure(`state save of "${key}"`, status, reply);
    },
    async delete(key: string) {
      memory.forget(key);
      const { status, text } = await sidecarRequest(`${stateUrl}/${encodeURIComponent(key)}`, {
        method: 'DELETE',
        headers,
        timeoutMs,
      });
      if (status !== 204 && status !== 200) throw failure(`state delete of "${key}"`, status, text);
    },
    recall<T>(key: string) {
      return memory.recall(key) as StateEntry<T> | undefined;
    },
  };

  const bus: EventBus = {
    async publish(contract, event, opts = {}) {
      const query = event.subject ? `?metadata.partitionKey=${encodeURIComponent(event.subject)}` : '';
      const url = `${base}/publish/${encodeURIComponent(s.pubsubName)}/${encodeURIComponent(contract.topic)}${query}`;
      const { status, text } = await sidecarRequest(url, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/cloudevents+json' },
        body: JSON.stringify(event),
        timeoutMs: opts.timeoutMs ?? timeoutMs,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      if (status !== 204 && status !== 200) throw failure(`publish ${contract.name} ${event.id}`, status, text);
    },
  };

  const sidecar: Sidecar = {
    async healthy() {
      const { status } = await sidecarRequest(`${base}/healthz`, { headers, timeoutMs: Math.min(1000, timeoutMs) });
      return status === 204 || status === 200;
    },
  };

  const invoker: Invoker = {
    async invoke<T>(appId: string, path: string, opts: InvokeOptions = {}) {
      const url = `${base}/invoke/${encodeURIComponent(appId)}/method/${path.replace(/^\//, '')}`;
      const res = await sidecarRequest(url, {
        method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'),
        headers: {
          ...headers,
          ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...opts.headers,
        },
        ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
        timeoutMs: opts.timeoutMs ?? INVOKE_TIMEOUT_MS,
      });
      const text = res.text;
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON: keep the text */
      }
      return { status: res.status, body: body as T };
    },
  };

  return { state, bus, invoker, sidecar };
}
