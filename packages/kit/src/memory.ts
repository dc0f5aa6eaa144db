// In-process doubles of the Dapr ports, with the same semantics (etags, first write wins), for unit tests.
import type { CloudEvent, EventContract } from '@lab/contracts';
import type { DaprPorts, EventBus, PutOptions, StateEntry, StateStore } from './dapr';
import { StateConflictError } from './errors';

export interface Published {
  topic: string;
  event: CloudEvent;
}

export class MemoryState implements StateStore {
  private readonly data = new Map<string, StateEntry<unknown>>();
  private version = 0;

  async get<T>(key: string): Promise<StateEntry<T> | undefined> {
    const e = this.data.get(key);
    return e ? { value: structuredClone(e.value) as T, etag: e.etag } : undefined;
  }

  async put<T>(key: string, value: T, opts: PutOptions = {}): Promise<void> {
    const cur = this.data.get(key);
    if (opts.onlyIfAbsent && !opts.etag && cur) throw new StateConflictError(key);
    if (opts.etag && (!cur || cur.etag !== opts.etag)) throw new StateConflictError(key);
    this.version += 1;
    this.data.set(key, { value: structuredClone(value), etag: String(this.version) });
  }

  async delete(key: string): Promise<void> {
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

export function memoryDapr(): DaprPorts & { state: MemoryState; bus: MemoryBus; sidecarUp: boolean } {
  const ports = {
    state: new MemoryState(),
    bus: new MemoryBus(),
    sidecarUp: true,
    sidecar: {
      healthy: async () => ports.sidecarUp,
    },
  };
  return ports;
}
