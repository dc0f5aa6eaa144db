// The k6 scenarios shipped for users' clusters, checked offline (k6 itself cannot be obtained here): they type-check
// against @types/k6 (k6 >= 0.57 runs .ts as it is), lib/ stays free of k6 so jest can test it (k6/test), imports
// are k6 modules or files that exist, and they read every variable the Tiltfile and the k8s workflow pass.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { REPO_ROOT } from '@lab/runtime';

const K6 = join(REPO_ROOT, 'k6');
const TSC = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const files = ['lib', 'clients', 'scenarios'].flatMap(d => readdirSync(join(K6, d)).map(f => join(K6, d, f)));
const sources = files.map(f => [f.slice(K6.length + 1), f] as const);
const read = (f: string) => readFileSync(f, 'utf8');
const tiltfile = read(join(REPO_ROOT, 'Tiltfile'));
const workflow = read(join(REPO_ROOT, '.github', 'workflows', 'k8s.yaml'));
const importsOf = (src: string) => [...src.matchAll(/^import (?:type )?[^;]*? from '([^']+)';$/gm)].map(m => m[1]!);

/** The variable names the Tiltfile's K6_ENV passes, and the workflow's env blocks around its k6 steps. */
function passedNames(): string[] {
  const tilt = /K6_ENV = \{([^}]*)\}/.exec(tiltfile)?.[1] ?? '';
  const fromTilt = [...tilt.matchAll(/'([A-Z_]+)':/g)].map(m => m[1]!);
  const fromWorkflow = [...workflow.matchAll(/^\s+(BASE_URL|USER_URL|CHAOS_URL|CHAOS_TOKEN):/gm)].map(m => m[1]!);
  return [...new Set([...fromTilt, ...fromWorkflow])];
}

/** `tsc -p <tsconfig> --noEmit`: its exit status and everything it printed. */
function typeCheck(tsconfig: string) {
  const r = spawnSync(process.execPath, [TSC, '-p', tsconfig, '--noEmit', '--pretty', 'false'], { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

describe('k6 scenarios (type-checked and parsed, not run)', () => {
  it('ships every scenario the Tiltfile and the workflow run', () => {
    const tilt = /for scenario in \[([^\]]*)\]/.exec(tiltfile)?.[1] ?? '';
    const named = [...tilt.matchAll(/'([a-z-]+)'/g)].map(m => `k6/scenarios/${m[1]}.ts`);
    expect(tiltfile).toContain("cmd='k6 run k6/scenarios/%s.ts' % scenario");
    named.push(...[...workflow.matchAll(/k6 run (k6\/scenarios\/[a-z-]+\.ts)/g)].map(m => m[1]!));
    expect(named.length).toBeGreaterThanOrEqual(7);
    for (const f of named) expect(existsSync(join(REPO_ROOT, f))).toBe(true);
  });

  it('type-checks against @types/k6 (tsc -p k6/tsconfig.json --noEmit)', () => {
    const r = typeCheck(join(K6, 'tsconfig.json'));
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  });

  it('the type check fails on a type error in a scenario, naming it', () => {
    const copy = mkdtempSync(join(tmpdir(), 'k6-typecheck-'));
    for (const d of ['lib', 'clients', 'scenarios', 'globals.d.ts'])
      cpSync(join(K6, d), join(copy, d), { recursive: true });
    // The copy finds @types/k6 where the repository keeps it.
    const config = {
      extends: join(K6, 'tsconfig.json'),
      compilerOptions: { typeRoots: [join(REPO_ROOT, 'node_modules', '@types')] },
    };
    writeFileSync(
      join(copy, 'tsconfig.json'),
      JSON.stringify({ ...config, include: ['globals.d.ts', 'lib', 'clients', 'scenarios'] }),
    );
    expect(typeCheck(join(copy, 'tsconfig.json'))).toEqual({ status: 0, output: '' });
    const smoke = join(copy, 'scenarios', 'smoke.ts');
    writeFileSync(smoke, read(smoke).replace("placeOrder(idOf('smoke', run, 0), {", 'placeOrder(42, {'));
    const r = typeCheck(join(copy, 'tsconfig.json'));
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/scenarios\/smoke\.ts\(\d+,\d+\): error TS2345: Argument of type 'number'/);
  });

  it.each(sources)('%s imports only k6 modules and files of k6/ that exist, by their .ts name', (_name, file) => {
    for (const spec of importsOf(read(file))) {
      if (spec.startsWith('.')) {
        expect(spec).toMatch(/\.ts$/);
        expect(resolve(dirname(file), spec).startsWith(K6 + '/')).toBe(true);
        expect(existsSync(resolve(dirname(file), spec))).toBe(true);
      } else expect(spec).toMatch(/^k6(\/[a-z/]+)?$/);
    }
  });

  it.each(sources.filter(([n]) => n.startsWith('lib/')))('%s is pure: no k6 module, no k6 global', (_n, file) => {
    const src = read(file);
    expect(importsOf(src).filter(s => !s.startsWith('./'))).toEqual([]);
    expect(src).not.toMatch(/\b(__ENV|__VU|__ITER)\b|\bopen\(/);
  });

  it('reads every variable the Tiltfile and the workflow pass, in one place', () => {
    const names = passedNames();
    expect(names).toEqual(expect.arrayContaining(['BASE_URL', 'USER_URL', 'CHAOS_URL', 'CHAOS_TOKEN']));
    const env = read(join(K6, 'lib', 'env.ts'));
    for (const n of [...names, 'SHORT', 'REPORT_DIR']) expect(env).toContain(`vars.${n}`);
    const readers = sources.filter(([, f]) => /__ENV/.test(read(f))).map(([n]) => n);
    expect(readers).toEqual(['clients/env.ts']);
  });

  it('every scenario states thresholds, writes its report, uses the shared clients and the metrics list', () => {
    for (const [name, f] of sources.filter(([n]) => n.startsWith('scenarios/'))) {
      const src = read(f);
      const report = /export const handleSummary = summaryHandler\(reports\.(\w+)\);/.exec(src)?.[1];
      expect({ name, thresholds: /thresholds: thresholds\.\w+/.test(src), report: report !== undefined }).toEqual({
        name,
        thresholds: true,
        report: true,
      });
      // The report is named after the file: <REPORT_DIR>/<scenario>.{json,md}.
      const scenarios = read(join(K6, 'lib', 'scenarios.ts'));
      expect(scenarios).toMatch(new RegExp(`${report}: \\{\\s+name: '${name.slice('scenarios/'.length, -3)}'`));
      expect(src).toMatch(/from '\.\.\/clients\//);
      for (const m of src.matchAll(/new (Rate|Trend|Counter|Gauge)\(([^,)]+)/g)) expect(m[2]).toMatch(/^METRIC\.\w+$/);
    }
  });

  it('the report directory exists in a checkout (k6 does not create it) and keeps its reports out of git', () => {
    expect(read(join(K6, 'reports', '.gitignore'))).toBe('*\n!.gitignore\n');
  });
});
