// What the demos read back from the running system, only through the services' own APIs.
import type { LocalSystem } from '@lab/runtime';
import { verify, type VerifyReport } from '@lab/verify';
import { percentile } from '@lab/charts';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export async function getJson(url: string, token?: string): Promise<{ status: number; body: Json }> {
  const res = await fetch(url, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Sets a service's fault knobs through its admin API (the same call the chaos API forwards). */
export async function setFaults(system: LocalSystem, service: string, faults: Record<string, number>): Promise<void> {
  const res = await fetch(`${system.url(service)}/admin/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${system.adminToken}` },
    body: JSON.stringify(faults),
  });
  if (res.status !== 200) throw new Error(`PUT ${service}/admin/faults answered ${res.status}`);
}

/** The verifier over every service of the system. */
export function verifyOrders(system: LocalSystem, orderIds: string[], boundMs: number): Promise<VerifyReport> {
  const urls = Object.fromEntries([...system.services.keys()].map(n => [n, system.url(n)]));
  return verify({ urls, adminToken: system.adminToken }, { orderIds, boundMs });
}

export interface Convergence {
  orders: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Every order's time, for the distribution chart. */
  values: number[];
}

/**
 * How long each order took from acceptance (createdAt) to its terminal fact, as the order service recorded them
 * (one clock: both instants are written by the order service).
 */
export async function convergence(system: LocalSystem, orderIds: string[]): Promise<Convergence> {
  const ms: number[] = [];
  for (const id of orderIds) {
    const o = (await getJson(`${system.url('order')}/orders/${id}`)).body;
    const last = (o?.history ?? []).find((h: Json) => h.status === 'SHIPPED' || h.status === 'CANCELLED');
    if (last) ms.push(Date.parse(last.at) - Date.parse(o.createdAt));
  }
  return {
    orders: ms.length,
    p50: percentile(ms, 50),
    p95: percentile(ms, 95),
    p99: percentile(ms, 99),
    max: ms.length ? Math.max(...ms) : NaN,
    values: ms,
  };
}

export function verifierRows(r: VerifyReport): (string | number)[][] {
  return [
    ['orders accepted', r.orders.accepted],
    ['shipped / cancelled / lost', `${r.orders.shipped} / ${r.orders.cancelled} / ${r.orders.lost}`],
    ['events published (audited)', r.eventsPublished],
    ['deliveries / redeliveries seen', `${r.deliveries.total} / ${r.deliveries.redeliveries}`],
    ['duplicated effects', r.duplicatedEffects],
    ['dead letters', r.deadLetters],
    ['verifier converged in', `${r.convergedInMs} ms`],
    ['problems', r.problems.length ? r.problems.slice(0, 3).join('; ') : 'none'],
  ];
}

export const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Polls notification until every recipient holds `n` messages; resolves with the ms it took, or NaN at the deadline. */
export async function inboxesFilled(system: LocalSystem, recipients: string[], n: number, timeoutMs: number) {
  const started = Date.now();
  const left = new Set(recipients);
  while (left.size > 0 && Date.now() - started < timeoutMs) {
    for (const c of [...left]) {
      const r = await getJson(`${system.url('notification')}/notifications?recipient=${c}`).catch(() => undefined);
      if ((r?.body?.notifications?.length ?? 0) >= n) left.delete(c);
    }
    if (left.size > 0) await sleep(100);
  }
  return left.size === 0 ? Date.now() - started : NaN;
}
