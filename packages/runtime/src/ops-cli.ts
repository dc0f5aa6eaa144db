#!/usr/bin/env node
// Operator commands against a running system (`./lab up`): the dead-letter desk and the verifier.
//   npm run dlq -- list | show <id> | replay <id>
//   npm run verify [-- --bound-ms 60000]      (orders and sign-ups from the audit log)
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { portsFor, readCatalog, REPO_ROOT } from './catalog';
import { formatReport, verify } from './verify';

const offset = Number(process.env.LAB_PORT_OFFSET ?? 0);
const runDir = process.env.LAB_RUN_DIR ?? join(REPO_ROOT, '.run');
const urls = Object.fromEntries(readCatalog().map(s => [s.name, `http://127.0.0.1:${portsFor(s, offset).app}`]));

function adminToken(): string {
  if (process.env.LAB_ADMIN_TOKEN) return process.env.LAB_ADMIN_TOKEN;
  const file = join(runDir, 'tokens.json');
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
  const [cmd, id] = args;
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

async function verifyLive(args: string[]): Promise<void> {
  const i = args.indexOf('--bound-ms');
  const boundMs = i >= 0 ? Number(args[i + 1]) : 60_000;
  const byType = async (type: string) =>
    ((await call('GET', `${urls.audit}/audit?type=${type}`)).entries as { subject: string }[]).map(e => e.subject);
  const orderIds = [...new Set(await byType('OrderCreated'))];
  const userIds = [...new Set(await byType('UserRegistered'))];
  const report = await verify({ urls, adminToken: adminToken() }, { orderIds, userIds, boundMs });
  process.stdout.write(formatReport('live system', report) + '\n');
  if (!report.ok) process.exitCode = 1;
}

const [what, ...rest] = process.argv.slice(2);
(what === 'dlq'
  ? dlq(rest)
  : what === 'verify'
    ? verifyLive(rest)
    : Promise.reject(new Error('usage: ops-cli dlq|verify ...'))
).catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
