// Server-Sent Events: every page that listens gets the board as it changes (at most a few times a second).
import { PassThrough } from 'node:stream';
import type { Context } from 'koa';
import { HttpError } from '@lab/kit';

/** Pages listening at once; one more is refused (each holds a connection and gets every push). */
export const MAX_LISTENERS = 32;
const HEARTBEAT_MS = 15_000;

export class Stream {
  private readonly listeners = new Set<PassThrough>();
  private pending: NodeJS.Timeout | undefined;

  constructor(
    private readonly snapshot: () => unknown,
    private readonly minGapMs = 200,
  ) {}

  get size(): number {
    return this.listeners.size;
  }

  /** Answers the request with the stream; the first event is the board as it is now. */
  attach(ctx: Context): void {
    if (this.listeners.size >= MAX_LISTENERS) {
      throw new HttpError(503, 'sidecar_unavailable', `${MAX_LISTENERS} pages are listening already`);
    }
    const out = new PassThrough();
    this.listeners.add(out);
    const beat = setInterval(() => out.write(': keep-alive\n\n'), HEARTBEAT_MS);
    beat.unref();
    const close = () => {
      clearInterval(beat);
      this.listeners.delete(out);
      out.end();
    };
    ctx.req.once('close', close);
    ctx.status = 200;
    ctx.type = 'text/event-stream';
    ctx.set('Cache-Control', 'no-cache, no-transform');
    ctx.set('X-Accel-Buffering', 'no');
    ctx.body = out;
    out.write(this.frame());
  }

  /** Pushes the board soon (pushes closer than minGapMs are merged into one). */
  changed(): void {
    if (this.pending || this.listeners.size === 0) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.push();
    }, this.minGapMs);
    this.pending.unref();
  }

  push(): void {
    if (this.listeners.size === 0) return;
    const frame = this.frame();
    for (const l of this.listeners) l.write(frame);
  }

  private frame(): string {
    return `event: board\ndata: ${JSON.stringify(this.snapshot())}\n\n`;
  }
}
