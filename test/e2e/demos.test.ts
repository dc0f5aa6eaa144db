// Every demo in short mode, as a user runs it (a child process on the e2e ports): it must exit 0 and its report
// must state every claim true; a demo with charts writes them beside its Markdown, fresh, linked, with its series.
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@lab/runtime';
import { E2E_OFFSET } from './helpers';

interface Report {
  demo: string;
  ok: boolean;
  mode: string;
  claims: { claim: string; holds: boolean; evidence: string }[];
}

function runDemo(name: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    // The README's command (`./lab` execs node, so a signal to this child reaches the demo itself).
    const child = spawn(join(REPO_ROOT, 'lab'), ['demo', name, '--short'], {
      cwd: REPO_ROOT,
      env: { ...process.env, LAB_PORT_OFFSET: String(E2E_OFFSET) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let overdue = false;
    // A demo that overruns is stopped (SIGTERM: it stops what it started) before jest's own timeout, so it cannot
    // live on and hold the ports of the next demo; the failure then shows where it stood.
    const deadline = setTimeout(() => {
      overdue = true;
      child.kill('SIGTERM');
    }, DEMO_DEADLINE_MS);
    child.stdout.on('data', d => (output += d.toString()));
    child.stderr.on('data', d => (output += d.toString()));
    child.once('error', reject);
    child.once('exit', code => {
      clearTimeout(deadline);
      if (overdue)
        reject(
          new Error(`demo ${name} still running after ${DEMO_DEADLINE_MS} ms; its output:\n${output.slice(-3000)}`),
        );
      else resolve({ code, output });
    });
  });
}

const DEMO_DEADLINE_MS = 150_000;

/** The charts each demo writes, and what each must show (series in its legend, the shaded window's label). */
const CHARTS: Record<string, Record<string, string[]>> = {
  cascade: {
    latency: ['latency_marks', 'sync', 'notification +800 ms', 'notification down'],
    errors: ['error_rate_marks', 'sync', 'notification down'],
  },
  isolation: {
    latency: ['latency_marks', 'sync', 'event', 'notification down'],
    errors: ['error_rate_marks', 'sync', 'event', 'fault_window_marks'],
    backlog: ['backlog_marks', 'notification', 'order', 'audit', 'fault_window_marks'],
    convergence: ['convergence_marks', 'event orders'],
  },
  burst: {
    latency: ['latency_marks', 'event', '20/s spike'],
    errors: ['error_rate_marks', 'event'],
    backlog: ['backlog_marks', 'payment', '20/s spike'],
    convergence: ['convergence_marks', 'orders'],
  },
};

describe.each(['trace', 'extend', 'idempotency', 'cascade', 'isolation', 'burst'])('demo %s --short', name => {
  it('exits 0 and reports every claim as holding', async () => {
    const started = Date.now();
    const { code, output } = await runDemo(name);
    const report = JSON.parse(
      readFileSync(join(REPO_ROOT, '.run', `demo-${name}`, 'reports', `${name}.json`), 'utf8'),
    ) as Report;
    expect({ code, failed: report.claims.filter(c => !c.holds) }).toEqual({ code: 0, failed: [] });
    expect(report).toMatchObject({ demo: name, mode: 'short', ok: true });
    expect(report.claims.length).toBeGreaterThanOrEqual(2);
    expect(output).toMatch(/Stopping every process this demo started/);

    const dir = join(REPO_ROOT, '.run', `demo-${name}`, 'reports');
    const md = readFileSync(join(dir, `${name}.md`), 'utf8');
    const linked = [...md.matchAll(/!\[[^\]]+\]\(([^)]+\.svg)\)/g)].map(m => m[1]);
    const expected = Object.keys(CHARTS[name] ?? {}).map(c => `${name}-${c}.svg`);
    expect(linked).toEqual(expected);
    for (const [chart, shows] of Object.entries(CHARTS[name] ?? {})) {
      const file = join(dir, `${name}-${chart}.svg`);
      const svg = readFileSync(file, 'utf8');
      expect({ file, fresh: statSync(file).mtimeMs >= started, svg: svg.startsWith('<svg') }).toEqual({
        file,
        fresh: true,
        svg: true,
      });
      expect({ file, missing: shows.filter(s => !svg.includes(s)) }).toEqual({ file, missing: [] });
    }
  });
});
