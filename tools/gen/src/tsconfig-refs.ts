// The TypeScript project references, derived from the workspaces' package.json: a workspace references the
// workspaces it depends on, and the root tsconfig.json every workspace. `./lab gen` writes them; a unit test
// fails when one drifts, so adding a workspace or a dependency never needs a hand-edited reference.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '@lab/runtime';

interface Workspace {
  name: string;
  /** Relative to the repository root, e.g. `services/order`. */
  dir: string;
  /** The workspaces it depends on (dependencies and devDependencies), by name. */
  uses: string[];
}

type Json = Record<string, unknown>;
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Json;

/** Every workspace of the root package.json (`dir/*` globs only, which is all this repository uses). */
export function workspaces(root = REPO_ROOT): Workspace[] {
  const globs = (readJson(join(root, 'package.json')).workspaces as string[]) ?? [];
  const dirs = globs.flatMap(g => {
    if (!g.endsWith('/*')) throw new Error(`workspace glob ${g}: only "<dir>/*" is understood`);
    const parent = g.slice(0, -2);
    return readdirSync(join(root, parent), { withFileTypes: true })
      .filter(d => d.isDirectory() && existsSync(join(root, parent, d.name, 'package.json')))
      .map(d => `${parent}/${d.name}`)
      .sort();
  });
  const found = dirs.map(dir => ({ dir, pkg: readJson(join(root, dir, 'package.json')) }));
  const names = new Set(found.map(f => f.pkg.name as string));
  return found.map(({ dir, pkg }) => ({
    name: pkg.name as string,
    dir,
    uses: Object.keys({ ...(pkg.dependencies as Json), ...(pkg.devDependencies as Json) })
      .filter(n => names.has(n))
      .sort(),
  }));
}

const refs = (paths: string[]) => paths.map(path => ({ path }));

/** tsconfig file (relative to root) -> the references it must have. */
export function expectedReferences(root = REPO_ROOT): Map<string, { path: string }[]> {
  const all = workspaces(root);
  const byName = new Map(all.map(w => [w.name, w]));
  const out = new Map<string, { path: string }[]>();
  // Libraries, then deployables, then tooling: the list also reads as the build order.
  const rank = (dir: string) => ['packages/', 'services/', 'tools/'].findIndex(p => dir.startsWith(p));
  const libsFirst = [...all].sort((a, b) => rank(a.dir) - rank(b.dir));
  out.set('tsconfig.json', refs(libsFirst.map(w => w.dir)));
  for (const w of all) {
    out.set(
      join(w.dir, 'tsconfig.json'),
      refs(w.uses.map(n => relative(join(root, w.dir), join(root, byName.get(n)!.dir)))),
    );
  }
  return out;
}

/** The tsconfig files whose references differ from what package.json says (file, found, expected). */
export function referenceDrift(root = REPO_ROOT) {
  return [...expectedReferences(root)].flatMap(([file, want]) => {
    const found = (readJson(join(root, file)).references as { path: string }[] | undefined) ?? [];
    const norm = (r: { path: string }[]) => r.map(x => x.path).sort();
    return JSON.stringify(norm(found)) === JSON.stringify(norm(want))
      ? []
      : [{ file, found: norm(found), want: norm(want) }];
  });
}

/** Rewrites only the files that drifted (their other settings kept); returns them. */
export function writeReferences(root = REPO_ROOT): string[] {
  const want = expectedReferences(root);
  return referenceDrift(root).map(({ file }) => {
    const config = readJson(join(root, file));
    writeFileSync(join(root, file), `${JSON.stringify({ ...config, references: want.get(file) }, null, 2)}\n`);
    return file;
  });
}
