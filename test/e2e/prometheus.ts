// A real Prometheus for the tests: the provisioned binaries, a scrape configuration of the local system, a child
// process with a deadline-bound start, and the HTTP API calls the tests make.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT, waitFor } from '@lab/runtime';

export const ALERTS = join(REPO_ROOT, 'helm', 'eda-lab', 'files', 'alerts.yaml');
export const DASHBOARD = join(REPO_ROOT, 'helm', 'eda-lab', 'files', 'dashboard.json');

/** $PROMETHEUS_BIN / $PROMTOOL_BIN (what tools/provision/all.sh exports), else the provisioned cache; never skipped. */
export function prometheusTool(name: 'prometheus' | 'promtool'): string {
  const versions = readFileSync(join(REPO_ROOT, 'tools', 'provision', 'versions.env'), 'utf8');
  const version = /^PROMETHEUS_VERSION=(.+)$/m.exec(versions)?.[1];
  const cache = process.env.LAB_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'eda-lab');
  const candidates = [process.env[`${name.toUpperCase()}_BIN`], join(cache, 'bin', `prometheus-${version}`, name)];
  const found = candidates.find(c => c && existsSync(c));
  if (!found) {
    throw new Error(
      `${name} ${version} is missing (looked at $${name.toUpperCase()}_BIN and ${candidates[1]}). Run ` +
        'tools/provision/prometheus.sh (or ./lab provision), which builds it from the Go module proxy.',
    );
  }
  return found;
}

/** Every PromQL expression of the shipped dashboard, with its panel's title. */
export function dashboardExprs(): { panel: string; expr: string }[] {
  const d = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    panels: { title: string; type: string; targets?: { expr: string }[] }[];
  };
  return d.panels.flatMap(p => (p.targets ?? []).map(t => ({ panel: p.title, expr: t.expr })));
}

export interface RuleFile {
  groups: { name: string; rules: { record?: string; alert?: string; expr: string; for?: string }[] }[];
}
export const alertRules = () => parse(readFileSync(ALERTS, 'utf8')) as RuleFile;

export interface Target {
  job: string;
  address: string;
  labels?: Record<string, string>;
}

/** A configuration scraping each target every `interval`, with the alert rules loaded. */
export function scrapeConfig(targets: Target[], interval = '1s'): string {
  const jobs = [...new Set(targets.map(t => t.job))].map(job => ({
    job_name: job,
    // The apps label their own series with `service`; keep it as they wrote it.
    honor_labels: true,
    static_configs: targets.filter(t => t.job === job).map(t => ({ targets: [t.address], labels: t.labels ?? {} })),
  }));
  return JSON.stringify({
    global: { scrape_interval: interval, evaluation_interval: interval, scrape_timeout: interval },
    rule_files: [ALERTS],
    scrape_configs: jobs,
  });
}

export interface Prometheus {
  url: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts Prometheus on 127.0.0.1:`port` with a fresh TSDB under `dir` (an earlier run's samples would answer the
 * queries of this one); resolves once /-/ready answers 200.
 */
export async function startPrometheus(config: string, dir: string, port: number): Promise<Prometheus> {
  rmSync(join(dir, 'data'), { recursive: true, force: true });
  mkdirSync(join(dir, 'data'), { recursive: true });
  const file = join(dir, 'prometheus.yml');
  writeFileSync(file, config);
  const child = spawn(
    prometheusTool('prometheus'),
    [
      `--config.file=${file}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout!.on('data', d => (out += d.toString()));
  child.stderr!.on('data', d => (out += d.toString()));
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}):\n${out.slice(-3000)}`);
        const res = await fetch(`${url}/-/ready`).catch(() => undefined);
        return res?.status === 200 ? true : undefined;
      },
      { timeoutMs: 30_000, what: 'prometheus to be ready', intervalMs: 100 },
    );
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\noutput:\n${out.slice(-3000)}`, { cause: err });
  }
  return { url, child, output: () => out, stop };
}

/** GET <url>/api/v1/<path>; the `data` of a success answer, else an error with the answer. */
export async function api<T>(prometheus: string, path: string): Promise<T> {
  const res = await fetch(`${prometheus}/api/v1/${path}`, { signal: AbortSignal.timeout(10_000) });
  const body = (await res.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success') throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
  return body.data;
}

export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

export const instantQuery = (prometheus: string, expr: string) =>
  api<{ resultType: string; result: Sample[] }>(prometheus, `query?query=${encodeURIComponent(expr)}`);
