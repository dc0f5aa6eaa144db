// Fault knobs every service carries: added latency, an error rate, a throughput cap (a slow consumer), and a
// drop rate (a consumer that acknowledges events it never handled: the bug no broker can protect you from).
import type { Context, Next } from 'koa';
import { z } from 'zod';

export const FaultSettings = z.strictObject({
  /** Added to every request (ms). */
  latencyMs: z.number().int().min(0).max(60_000).default(0),
  /** Uniform random extra latency in [0, jitterMs). */
  jitterMs: z.number().int().min(0).max(60_000).default(0),
  /** Share of requests answered 503 (0..1). */
  errorRate: z.number().min(0).max(1).default(0),
  /** Requests started per second, at most (0 = no cap); the rest wait their turn. */
  maxRps: z.number().min(0).max(100_000).default(0),
  /** Share of event deliveries (POST /events/*) answered SUCCESS without being handled (0..1): the event is lost here. */
  dropRate: z.number().min(0).max(1).default(0),
});
export type FaultSettings = z.infer<typeof FaultSettings>;

export const NO_FAULTS: FaultSettings = Object.freeze({
  latencyMs: 0,
  jitterMs: 0,
  errorRate: 0,
  maxRps: 0,
  dropRate: 0,
});

/**
 * Paths never slowed or failed: health, admin, Dapr's startup calls, and the API document (a client reads it to
 * call the API at all, faults or not: it describes the service, like health, and is not its work).
 */
const EXEMPT = /^\/(healthz|readyz|openapi\.json$|admin\/|dapr\/)/;

/** Whether the fault knobs leave this path alone (its API document then lists no injected_fault). */
export const isFaultExempt = (path: string) => EXEMPT.test(path);

export class Faults {
  private settings: FaultSettings;
  private nextSlot = 0;

  constructor(
    initial: FaultSettings = NO_FAULTS,
    private readonly random: () => number = Math.random,
    private readonly clock: () => number = Date.now,
  ) {
    this.settings = { ...initial };
  }

  get current(): FaultSettings {
    return { ...this.settings };
  }

  set(next: FaultSettings): void {
    this.settings = { ...next };
    this.nextSlot = 0;
  }

  /** How long this request waits before it runs, and whether it then fails. */
  plan(): { delayMs: number; fail: boolean } {
    const s = this.settings;
    let delayMs = s.latencyMs + (s.jitterMs > 0 ? Math.floor(this.random() * s.jitterMs) : 0);
    if (s.maxRps > 0) {
      const now = this.clock();
      const slot = Math.max(now, this.nextSlot);
      this.nextSlot = slot + 1000 / s.maxRps;
      delayMs += slot - now;
    }
    return {
      delayMs,
      fail: s.errorRate > 0 && this.random() < s.errorRate,
    };
  }

  /**
   * Whether to acknowledge one event unhandled (the dropRate knob): asked by the delivery route once per event, so a
   * bulk delivery of ten loses each of them with the same chance as ten single deliveries would.
   */
  dropDelivery(): boolean {
    const rate = this.settings.dropRate;
    return rate > 0 && this.random() < rate;
  }

  middleware() {
    return async (ctx: Context, next: Next): Promise<void> => {
      if (isFaultExempt(ctx.path)) return next();
      const { delayMs, fail } = this.plan();
      if (delayMs > 0) await new Promise(r => setTimeout(r, delayMs));
      if (fail) {
        ctx.status = 503;
        ctx.body = { error: { code: 'injected_fault', message: 'failure injected by the fault knobs' } };
        return;
      }
      await next();
    };
  }
}
