// schemathesis (the OpenAPI fuzzer of fuzz.test.ts) as a child process with a deadline, and what its reports say.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { MAX_ORDER_TOTAL } from '@lab/contracts';
import { REPO_ROOT } from '@lab/runtime';

/** The settings and hooks for what the documents cannot say (each file says why). */
export const CONFIG = join(__dirname, 'schemathesis.toml');
export const HOOKS = join(__dirname, 'schemathesis_hooks.py');

/** $SCHEMATHESIS_BIN (what tools/provision/all.sh exports), else the provisioned venv; never skipped when missing. */
export function schemathesisBin(): string {
  const versions = readFileSync(join(REPO_ROOT, 'tools', 'provision', 'versions.env'), 'utf8');
  const version = /^SCHEMATHESIS_VERSION=(.+)$/m.exec(versions)?.[1];
  const cache = process.env.LAB_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'eda-lab');
  const candidates = [process.env.SCHEMATHESIS_BIN, join(cache, `schemathesis-${version}`, 'bin', 'st')];
  const found = candidates.find(c => c && existsSync(c));
  if (!found)
    throw new Error(`schemathesis ${version} is missing (${candidates[1]}): run tools/provision/schemathesis.sh`);
  return found;
}

export interface HarEntry {
  request: { method: string; url: string };
  response: { status: number; content: { text?: string } };
}

/** The parts of its JSON report read here. */
export interface Report {
  /** As written (a 128-bit integer: a JSON number would lose it). */
  seed: string;
  test_cases: { generated: number };
  failures: { code: string; title: string; count: number; operations: string[] }[];
}

export interface SchemathesisRun {
  /** null when it was killed at the deadline. */
  exitCode: number | null;
  report: Report;
  /** Every request it made and its answer (its HAR report). */
  requests: HarEntry[];
  /** Each failure as schemathesis tells it (its JUnit report), with the curl line that reproduces it. */
  failures: string[];
  /** Each error it met (its JUnit report's <error>: an unsatisfiable schema, a refused connection, its own crash). */
  errors: string[];
  /** The tail of what it printed (stdout and stderr together). */
  output: string;
  ms: number;
}

const unescapeXml = (s: string) =>
  s.replace(/&(lt|gt|quot|apos|amp);/g, (_m, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]!);
/** The bodies of every `<failure>` (or `<error>`) element of a JUnit report, each headed by its test case's name. */
const junitEntries = (xml: string, element: 'failure' | 'error') =>
  [...xml.matchAll(/<testcase name="([^"]*)"[^>]*?(?<!\/)>([\s\S]*?)<\/testcase>/g)].flatMap(([, name, body]) =>
    [...body!.matchAll(new RegExp(`<${element}([^>]*)>([\\s\\S]*?)</${element}>`, 'g'))].map(
      f => `${unescapeXml(name!)}\n${unescapeXml(f[1]!.trim())}\n${unescapeXml(f[2]!)}`,
    ),
  );

export interface RunOptions {
  /** Where its document is served (GET /openapi.json); the API's base URL is the same origin. */
  documentUrl: string;
  /** Sent as `Authorization: Bearer <token>` with every request, so the admin routes are fuzzed too. */
  adminToken: string;
  /** Reports, its example database (a failure found once is tried first next time) and cache go here. */
  dir: string;
  examples: number;
  deadlineMs: number;
  /** More arguments of `st run` (operation filters). */
  args?: string[];
}

/** `st run` against one document, killed past the deadline; fails when it wrote no report. */
export async function runSchemathesis(o: RunOptions): Promise<SchemathesisRun> {
  mkdirSync(o.dir, { recursive: true });
  const args = [
    ['--config-file', CONFIG, 'run', o.documentUrl, ...(o.args ?? [])],
    ['--header', `Authorization: Bearer ${o.adminToken}`, '--max-examples', String(o.examples), '--workers', '1'],
    [
      '--request-timeout',
      '30',
      '--no-color',
      ...(process.env.LAB_FUZZ_SEED ? ['--seed', process.env.LAB_FUZZ_SEED] : []),
    ],
    ['--report', 'junit,json,har', '--report-dir', o.dir, '--report-junit-path', 'junit.xml'],
    ['--report-json-path', 'report.json', '--report-har-path', 'requests.har'],
  ].flat();
  const env = { ...process.env, SCHEMATHESIS_HOOKS: HOOKS, LAB_MAX_ORDER_TOTAL: String(MAX_ORDER_TOTAL) };
  // No __pycache__ beside the hooks file in the repository.
  const child = spawn(schemathesisBin(), args, {
    cwd: o.dir,
    env: { ...env, PYTHONDONTWRITEBYTECODE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const t0 = Date.now();
  let output = '';
  child.stdout.on('data', d => (output += d.toString()));
  child.stderr.on('data', d => (output += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), o.deadlineMs);
  const exitCode = await new Promise<number | null>(resolve => child.once('exit', code => resolve(code)));
  clearTimeout(timer);
  const ms = Date.now() - t0;
  const read = (file: string) => readFileSync(join(o.dir, file), 'utf8');
  if (!existsSync(join(o.dir, 'report.json'))) {
    throw new Error(
      `schemathesis wrote no report (exit ${exitCode} after ${ms} ms; killed at ${o.deadlineMs} ms)\n${output.slice(-4000)}`,
    );
  }
  const raw = read('report.json');
  const parse = <T>(file: string, text: string): T => {
    try {
      return JSON.parse(text) as T;
    } catch (e) {
      throw new Error(
        `schemathesis wrote an unreadable ${file} (${(e as Error).message}; exit ${exitCode} after ${ms} ms)\n` +
          output.slice(-4000),
        { cause: e },
      );
    }
  };
  const junit = read('junit.xml');
  return {
    exitCode,
    report: { ...parse<Report>('report.json', raw), seed: /"seed":\s*(\d+)/.exec(raw)?.[1] ?? '?' },
    requests: parse<{ log: { entries: HarEntry[] } }>('requests.har', read('requests.har')).log.entries,
    failures: junitEntries(junit, 'failure'),
    errors: junitEntries(junit, 'error'),
    output: output.slice(-4000),
    ms,
  };
}

/** One line: test cases, requests by status, time, exit code and the seed that replays it (LAB_FUZZ_SEED). */
export function summary(name: string, run: SchemathesisRun): string {
  const statuses: Record<number, number> = {};
  for (const r of run.requests) statuses[r.response.status] = (statuses[r.response.status] ?? 0) + 1;
  return (
    `schemathesis ${name}: ${run.report.test_cases.generated} test cases, ${run.requests.length} requests ` +
    `${JSON.stringify(statuses)} in ${(run.ms / 1000).toFixed(1)} s, exit ${run.exitCode}, seed ${run.report.seed}`
  );
}
