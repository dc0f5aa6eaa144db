// The two Dapr building blocks the services use, behind small interfaces: state and publish.
import { CommunicationProtocolEnum, DaprClient, LogLevel, StateConcurrencyEnum } from '@dapr/dapr';
import type { CloudEvent, EventContract } from '@lab/contracts';
import { StateConflictError } from './errors';
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
  /** Throws StateConflictError when `etag` or `onlyIfAbsent` does not hold. */
  put<T>(key: string, value: T, opts?: PutOptions): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface EventBus {
  publish<C extends EventContract>(contract: C, event: CloudEvent): Promise<void>;
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
}

interface SdkError {
  status?: number;
  error_msg?: string;
}

function sdkError(err: unknown): SdkError {
  if (err instanceof Error) {
    try {
      return JSON.parse(err.message) as SdkError;
    } catch {
      return { error_msg: err.message };
    }
  }
  return { error_msg: String(err) };
}

/** daprd answers an etag mismatch with 409; the Redis store reports a first-write refusal as "failed to set key". */
function isConflict(e: SdkError): boolean {
  return e.status === 409 || /etag|version mismatch|already exists|failed to set key/i.test(e.error_msg ?? '');
}

/** The real thing: @dapr/dapr over HTTP to the local sidecar. */
export function connectDapr(s: DaprSettings): DaprPorts {
  const client = new DaprClient({
    daprHost: s.daprHost,
    daprPort: String(s.daprHttpPort),
    communicationProtocol: CommunicationProtocolEnum.HTTP,
    ...(s.daprApiToken ? { daprApiToken: s.daprApiToken } : {}),
    logger: { level: LogLevel.Error },
  });
  const base = `http://${s.daprHost}:${s.daprHttpPort}/v1.0`;
  const headers: Record<string, string> = s.daprApiToken ? { 'dapr-api-token': s.daprApiToken } : {};

  const state: StateStore = {
    // A single-key read over the HTTP API: the ETag header is the value's version (the SDK's get drops it).
    async get<T>(key: string) {
      const url = `${base}/state/${encodeURIComponent(s.stateStore)}/${encodeURIComponent(key)}`;
      const { status, headers: answer, text } = await sidecarRequest(url, { headers, timeoutMs: 10_000 });
      if (status === 204 || (status === 200 && text === '')) return undefined;
      if (status !== 200) throw new Error(`state get of "${key}" failed: HTTP ${status} ${text.slice(0, 200)}`);
      const etag = answer.etag;
      // Without a version, an update could silently overwrite a concurrent one: refuse rather than risk it.
      if (!etag) throw new Error(`state get of "${key}" returned no ETag`);
      return { value: JSON.parse(text) as T, etag };
    },
    async getMany<T>(keys: string[]) {
      const out = new Map<string, T>();
      if (keys.length === 0) return out;
      const items = (await client.state.getBulk(s.stateStore, keys)) as Array<{ key: string; data?: T }>;
      for (const item of items) {
        if (item.data !== undefined && item.data !== null && (item.data as unknown) !== '')
          out.set(item.key, item.data);
      }
      return out;
    },
    async put<T>(key: string, value: T, opts: PutOptions = {}) {
      const item: Record<string, unknown> = { key, value };
      if (opts.etag === '') throw new Error(`refusing to write "${key}" with an empty etag`);
      // The SDK maps its enum to the wire value and drops anything else: a plain 'first-write' string would be
      // sent as no concurrency at all (last write wins) and the etag would protect nothing.
      if (opts.etag) {
        item.etag = opts.etag;
        item.options = { concurrency: StateConcurrencyEnum.CONCURRENCY_FIRST_WRITE };
      } else if (opts.onlyIfAbsent) {
        // With first-write concurrency and no etag, the Redis store inserts only when the key is absent.
        item.options = { concurrency: StateConcurrencyEnum.CONCURRENCY_FIRST_WRITE };
      }
      const res = await client.state.save(s.stateStore, [item as never]);
      if (res.error) {
        const e = sdkError(res.error);
        if (isConflict(e)) throw new StateConflictError(key);
        throw new Error(`state save of "${key}" failed: ${e.error_msg ?? 'unknown error'}`);
      }
    },
    async delete(key: string) {
      const res = await client.state.delete(s.stateStore, key);
      if (res.error) throw new Error(`state delete of "${key}" failed: ${sdkError(res.error).error_msg}`);
    },
  };

  const bus: EventBus = {
    async publish(contract, event) {
      const res = await client.pubsub.publish(s.pubsubName, contract.topic, event as unknown as object, {
        contentType: 'application/cloudevents+json',
        metadata: { partitionKey: event.subject },
      });
      if (res.error) {
        throw new Error(`publish ${contract.name} ${event.id} failed: ${sdkError(res.error).error_msg ?? 'unknown'}`);
      }
    },
  };

  const sidecar: Sidecar = {
    async healthy() {
      const { status } = await sidecarRequest(`${base}/healthz`, { headers, timeoutMs: 1000 });
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
        timeoutMs: opts.timeoutMs ?? 15_000,
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
