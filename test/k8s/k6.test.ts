// The k6 scenarios shipped for users' clusters, checked offline (k6 is not run in this repository's CI): each
// file parses as an ES module, imports only k6 modules or files that exist, and reads every variable the
// Tiltfile and the k8s workflow pass.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { REPO_ROOT } from '@lab/runtime';

const K6 = join(REPO_ROOT, 'k6');
const files = ['lib', 'clients', 'scenarios'].flatMap(d => readdirSync(join(K6, d)).map(f => join(K6, d, f)));
const sources = files.map(f => [f.slice(K6.length + 1), f] as const);
const read = (f: string) => readFileSync(f, 'utf8');
const tiltfile = read(join(REPO_ROOT, 'Tiltfile'));
const workflow = read(join(REPO_ROOT, '.github', 'workflows', 'k8s.yaml'));

/** The variable names the Tiltfile's K6_ENV passes, and the workflow's env blocks around its k6 steps. */
function passedNames(): string[] {
  const tilt = /K6_ENV = \{([^}]*)\}/.exec(tiltfile)?.[1] ?? '';
  const fromTilt = [...tilt.matchAll(/'([A-Z_]+)':/g)].map(m => m[1]!);
  const fromWorkflow = [...workflow.matchAll(/^\s+(BASE_URL|USER_URL|CHAOS_URL|CHAOS_TOKEN):/gm)].map(m => m[1]!);
  return [...new Set([...fromTilt, ...fromWorkflow])];
}

describe('k6 scenarios (parsed, not run)', () => {
  it('ships every scenario the Tiltfile and the workflow run', () => {
    const tilt = /for scenario in \[([^\]]*)\]/.exec(tiltfile)?.[1] ?? '';
    const named = [...tilt.matchAll(/'([a-z-]+)'/g)].map(m => `k6/scenarios/${m[1]}.js`);
    named.push(...[...workflow.matchAll(/k6 run (k6\/scenarios\/[a-z-]+\.js)/g)].map(m => m[1]!));
    expect(named.length).toBeGreaterThanOrEqual(7);
    for (const f of named) expect(existsSync(join(REPO_ROOT, f))).toBe(true);
  });

  it.each(sources)('%s parses as an ES module', (_name, file) => {
    const dir = mkdtempSync(join(tmpdir(), 'k6-check-'));
    const copy = join(dir, 'module.mjs');
    copyFileSync(file, copy);
    const r = spawnSync(process.execPath, ['--check', copy], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it.each(sources)('%s imports only k6 modules and files that exist', (_name, file) => {
    for (const [, spec] of read(file).matchAll(/^import .* from '([^']+)';$/gm)) {
      if (spec!.startsWith('.')) expect(existsSync(resolve(dirname(file), spec!))).toBe(true);
      else expect(spec).toMatch(/^k6(\/[a-z/]+)?$/);
    }
  });

  it('reads every variable the Tiltfile and the workflow pass', () => {
    const names = passedNames();
    expect(names).toEqual(expect.arrayContaining(['BASE_URL', 'USER_URL', 'CHAOS_URL', 'CHAOS_TOKEN']));
    const all = sources.map(([, f]) => read(f)).join('\n');
    for (const n of names) expect(all).toContain(`__ENV.${n}`);
    expect(all).toContain('__ENV.SHORT');
  });

  it('every scenario states thresholds and uses the shared clients', () => {
    for (const [name, f] of sources.filter(([n]) => n.startsWith('scenarios/'))) {
      const src = read(f);
      expect({ name, thresholds: /thresholds: thresholds\.\w+/.test(src) }).toEqual({ name, thresholds: true });
      expect(src).toMatch(/from '\.\.\/clients\//);
    }
  });
});
