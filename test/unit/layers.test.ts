// The shape of the tree, read from the sources' own imports: libraries (packages/) import no deployable and no
// tool, deployables (services/) import no tool, a workspace imports only workspaces it declares, and no file of a
// workspace reaches back to itself through its relative imports (no cycle).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { REPO_ROOT } from '@lab/runtime';

interface Workspace {
  dir: string;
  name: string;
  layer: 'packages' | 'services' | 'tools';
  declared: Set<string>;
}

const LAYERS = ['packages', 'services', 'tools'] as const;
const workspaces: Workspace[] = LAYERS.flatMap(layer =>
  readdirSync(join(REPO_ROOT, layer), { withFileTypes: true })
    .filter(d => d.isDirectory() && existsSync(join(REPO_ROOT, layer, d.name, 'package.json')))
    .map(d => {
      const dir = join(layer, d.name);
      const pkg = JSON.parse(readFileSync(join(REPO_ROOT, dir, 'package.json'), 'utf8'));
      return {
        dir,
        name: pkg.name as string,
        layer,
        declared: new Set(Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })),
      };
    }),
);
const byName = new Map(workspaces.map(w => [w.name, w]));

function sources(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(join(d, e.name));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** Every module specifier a file imports or re-exports (static and dynamic). */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'([^']+)'/g)].map(m => m[1]!);
}

const workspaceOf = (spec: string) => byName.get(spec.split('/').slice(0, 2).join('/'));

describe('the layers: libraries, deployables, tooling', () => {
  it('finds every workspace of the three layers', () => {
    expect(workspaces.map(w => w.layer)).toEqual(expect.arrayContaining([...LAYERS]));
    expect(byName.has('@lab/kit') && byName.has('@lab/order') && byName.has('@lab/runtime')).toBe(true);
  });

  it.each(workspaces.map(w => [w.dir, w] as const))('%s imports only what its layer may, and declares it', (_d, w) => {
    const allowed: Record<Workspace['layer'], Workspace['layer'][]> = {
      packages: ['packages'],
      services: ['packages', 'services'],
      tools: ['packages', 'services', 'tools'],
    };
    const problems: string[] = [];
    for (const file of sources(join(REPO_ROOT, w.dir, 'src'))) {
      const at = relative(REPO_ROOT, file);
      for (const spec of specifiers(file)) {
        if (spec.startsWith('.')) {
          const target = relative(REPO_ROOT, resolve(dirname(file), spec));
          if (!target.startsWith(`${w.dir}/`)) problems.push(`${at}: ${spec} leaves its workspace`);
          continue;
        }
        const other = workspaceOf(spec);
        if (!other || other === w) continue;
        if (!allowed[w.layer].includes(other.layer)) problems.push(`${at}: a ${w.layer} file imports ${other.dir}`);
        if (!w.declared.has(other.name)) problems.push(`${at}: imports ${other.name}, not in its package.json`);
      }
    }
    expect(problems).toEqual([]);
  });

  it.each(workspaces.map(w => [w.dir, w] as const))('%s has no import cycle between its files', (_d, w) => {
    const files = sources(join(REPO_ROOT, w.dir, 'src'));
    const resolveLocal = (from: string, spec: string) => {
      const base = resolve(dirname(from), spec);
      return [`${base}.ts`, join(base, 'index.ts')].find(f => files.includes(f));
    };
    const edges = new Map(
      files.map(f => [
        f,
        specifiers(f)
          .filter(s => s.startsWith('.'))
          .map(s => resolveLocal(f, s))
          .filter((x): x is string => x !== undefined),
      ]),
    );
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...path.slice(path.indexOf(f)), f].map(x => relative(REPO_ROOT, x)).join(' -> '));
        return;
      }
      state.set(f, 'open');
      for (const g of edges.get(f) ?? []) visit(g, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of files) visit(f, []);
    expect(cycles).toEqual([]);
  });
});
