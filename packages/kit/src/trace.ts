// W3C trace context: start a trace where a request has none, and read the trace id out of a traceparent.
import { randomBytes } from 'node:crypto';

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export function newTraceparent(): string {
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
}

export function traceIdOf(traceparent: string | undefined): string | undefined {
  return traceparent ? TRACEPARENT.exec(traceparent.trim())?.[2] : undefined;
}

/** The caller's traceparent when valid, else a new trace (sampled). */
export function traceparentFrom(header: string | undefined): string {
  return header && TRACEPARENT.test(header.trim()) ? header.trim() : newTraceparent();
}
