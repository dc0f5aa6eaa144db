// In-process doubles of the Dapr ports, with the same semantics (etags, first write wins), for unit tests.
import type { CloudEvent, EventContract } from '@lab/contracts';
import type {
  DaprPorts,
  EventBus,
  InvokeOptions,
  InvokeResult,
  Invoker,
  PutOptions,
  StateEntry,
  StateStore,
} from '../dapr';
import { StateConflictError } from '../errors';
import { checkStateKey } from '../keys';

export interface Published {
  topic: string;
  event: CloudEvent;
}

export class MemoryState implements StateStore {
  private readonly data = new Map<string, StateEntry<unknown>>();
  private version = 0;

  async get<T>(key: string): Promise<StateEntry<T> | undefined> {
    checkStateKey(key);
    const e = this.data.get(key);
    return e ? { value: structuredClone(e.value) as T, etag: e.etag } : undefined;
  }

  async getMany<T>(keys: string[]): Promise<Map<string, T>> {
    const out = new Map<string, T>();
    keys.forEach(checkStateKey);
    for (const k of keys) {
      const e = this.data.get(k);
      if (e) out.set(k, structuredClone(e.value) as T);
    }
    return out;
  }

  async getEntries<T>(keys: string[]): Promise<Map<string, StateEntry<T>>> {
    const out = new Map<string, StateEntry<T>>();
    keys.forEach(checkStateKey);
    for (const k of keys) {
      const e = this.data.get(k);
      if (e) out.set(k, { value: structuredClone(e.value) as T, etag: e.etag });
    }
    return out;
  }

  async put<T>(key: string, value: T, opts: PutOptions = {}): Promise<void> {
    checkStateKey(key);
    const cur = this.data.get(key);
    if (opts.onlyIfAbsent && !opts.etag && cur) throw new StateConflictError(key);
    if (opts.etag && (!cur || cur.etag !== opts.etag)) throw new StateConflictError(key);
    this.version += 1;
    this.data.set(key, { value: structuredClone(value), etag: String(this.version) });
  }

  async delete(key: string): Promise<void> {
    checkStateKey(key);
    this.data.delete(key);
  }

  keys(): string[] {
    return [...this.data.keys()];
  }
}

export class MemoryBus implements EventBus {
  readonly published: Published[] = [];
  failNext = 0;

  async publish<C extends EventContract>(contract: C, event: CloudEvent): Promise<void> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('broker unavailable');
    }
    this.published.push({ topic: contract.topic, event: structuredClone(event) });
  }

  of(topic: string): CloudEvent[] {
    return this.published.filter(p => p.topic === topic).map(p => p.event);
  }
}

export type Route = (path: string, opts: InvokeOptions) => Promise<InvokeResult>;

/** Service invocation double: routes by app id to a function the test provides. */
export class MemoryInvoker implements Invoker {
  readonly routes = new Map<string, Route>();
  readonly calls: { appId: string; path: string; opts: InvokeOptions }[] = [];

  async invoke<T>(appId: string, path: string, opts: InvokeOptions = {}): Promise<InvokeResult<T>> {
    this.calls.push({ appId, path, opts });
    const route = this.routes.get(appId);
    if (!route) return { status: 500, body: { errorCode: 'ERR_DIRECT_INVOKE', message: `no app ${appId}` } as T };
    return (await route(path, opts)) as InvokeResult<T>;
  }
}

export function memoryDapr(): DaprPorts & {
  state: MemoryState;
  bus: MemoryBus;
  invoker: MemoryInvoker;
  sidecarUp: boolean;
} {
  const ports = {
    state: new MemoryState(),
    bus: new MemoryBus(),
    invoker: new MemoryInvoker(),
    sidecarUp: true,
    sidecar: {
      healthy: async () => ports.sidecarUp,
    },
  };
  return ports;
}
