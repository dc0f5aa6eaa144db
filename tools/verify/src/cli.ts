#!/usr/bin/env node
// Operator commands against a running system (`./lab up`): the dead-letter desk and the verifier.
//   ./lab dlq list | show <id> | replay <id>
//   ./lab verify [--since 24h|<ISO instant>] [--bound-ms 60000] [--heal]
//     (every order placed since then, from order's own index; sign-ups from the audit log; --heal announces each
//     fact a side consumer shows no effect of again, to that consumer only, then verifies again)
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { portsFor, readCatalog } from '@lab/runtime';
import { readToolEnv, toolArgs, type ToolEnv } from '@lab/runtime';
import { formatReport, heal, verify } from './verify';

// Read when a command runs, so a bad variable is reported like any other error (one line, exit 1).
let env: ToolEnv;
let urls: Record<string, string>;
function readEnv(): void {
  env = readToolEnv();
  urls = Object.fromEntries(readCatalog().map(s => [s.name, `http://127.0.0.1:${portsFor(s, env.portOffset).app}`]));
}

function adminToken(): string {
  if (env.adminToken) return env.adminToken;
  const file = join(env.runDir, 'tokens.json');
  if (!existsSync(file))
    throw new Error(`no admin token: set LAB_ADMIN_TOKEN or start the system with ./lab up (${file})`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { admin: string }).admin;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function call(method: string, url: string, token?: string): Promise<any> {
  const res = await fetch(url, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
  const body = await res.json().catch(() => undefined);
  if (!res.ok) throw new Error(`${method} ${url} answered ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

async function dlq(args: string[]): Promise<void> {
  const desk = `${urls.audit}/admin/dead-letters`;
  const [cmd, id] = toolArgs(args, {}, 'dlq list | show <id> | replay <id>').positionals;
  if (cmd === 'list' || cmd === undefined) {
    const { count, entries } = await call('GET', desk, adminToken());
    process.stdout.write(`${count} dead letter(s)\n`);
    for (const e of entries) process.stdout.write(`${e.id}  ${e.topic ?? '?'}  ${e.service ?? 'daprd'}  ${e.reason}\n`);
  } else if (cmd === 'show' && id) {
    process.stdout.write(
      JSON.stringify(await call('GET', `${desk}/${encodeURIComponent(id)}`, adminToken()), null, 2) + '\n',
    );
  } else if (cmd === 'replay' && id) {
    process.stdout.write(
      JSON.stringify(await call('POST', `${desk}/${encodeURIComponent(id)}/replay`, adminToken())) + '\n',
    );
  } else {
    throw new Error('usage: dlq list | show <id> | replay <id>');
  }
}

/** How long the verification after --heal waits for the effects of the facts announced again. */
const HEALED_WITHIN_MS = 60_000;

/** order's GET /admin/orders answers at most this span per request. */
const SPAN_MS = 24 * 60 * 60_000;

/** `--since 6h`, `--since 30m`, `--since 2d` or an ISO instant; default 24 hours ago. */
function sinceOf(raw: string | undefined, now: number): number {
  if (raw === undefined) return now - SPAN_MS;
  const rel = /^(\d+)([mhd])$/.exec(raw);
  if (rel) return now - Number(rel[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[rel[2] as 'm' | 'h' | 'd'];
  const t = Date.parse(raw);
  if (Number.isNaN(t)) throw new Error(`--since ${raw}: expected e.g. 6h, 30m, 2d or an ISO 8601 instant`);
  return t;
}

/** Every order placed in [since, now], a day per request (order lists those it has not recorded yet too). */
async function placedSince(since: number, now: number): Promise<string[]> {
  const ids = new Set<string>();
  for (let from = since; from <= now; from += SPAN_MS) {
    const to = Math.min(now, from + SPAN_MS - 1);
    const q = `from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;
    for (const id of (await call('GET', `${urls.order}/admin/orders?${q}`, adminToken())).orderIds as string[])
      ids.add(id);
  }
  return [...ids];
}

async function verifyLive(args: string[]): Promise<void> {
  const { values } = toolArgs(
    args,
    { since: { type: 'string' }, 'bound-ms': { type: 'string' }, heal: { type: 'boolean' } },
    'verify [--since 24h|<ISO instant>] [--bound-ms 60000] [--heal]',
  );
  const boundMs = Number(values['bound-ms'] ?? 60_000);
  if (!Number.isInteger(boundMs) || boundMs <= 0)
    throw new Error(`--bound-ms ${values['bound-ms']}: a positive integer`);
  const now = Date.now();
  const orderIds = await placedSince(sinceOf(values.since, now), now);
  const signups = await call('GET', `${urls.audit}/audit?type=UserRegistered`);
  const userIds = [...new Set((signups.entries as { subject: string }[]).map(e => e.subject))];
  const target = { urls, adminToken: adminToken() };
  let report = await verify(target, { orderIds, userIds, boundMs });
  process.stdout.write(formatReport('live system', report) + '\n');
  if (values.heal && report.missing.length > 0) {
    const healed = await heal(target, report.missing);
    process.stdout.write(
      `healing: ${healed.announced} fact(s) announced again to the consumers that lacked them` +
        healed.failed.map(f => `\n  not announced: ${f}`).join('') +
        '\n',
    );
    // The healed effects get a minute to show whatever the bound of the first pass (it only ends early when
    // everything is there, so a short bound there does not make this one flaky).
    report = await verify(target, {
      orderIds,
      userIds,
      boundMs: Math.max(boundMs, HEALED_WITHIN_MS),
      baseline: report.counters,
    });
    process.stdout.write(formatReport('live system, healed', report) + '\n');
  }
  if (!report.ok) process.exitCode = 1;
}

const [what, ...rest] = process.argv.slice(2);
Promise.resolve()
  .then(() => {
    if (what !== 'dlq' && what !== 'verify') throw new Error('usage: ops-cli dlq|verify ...');
    readEnv();
    return what === 'dlq' ? dlq(rest) : verifyLive(rest);
  })
  .catch((err: Error) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  });
