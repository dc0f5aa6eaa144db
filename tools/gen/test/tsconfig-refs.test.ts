// Project references follow package.json: `./lab gen` writes them, and this fails when one was edited by hand.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@lab/runtime';
import { expectedReferences, referenceDrift, workspaces, writeReferences } from '../src/tsconfig-refs';

describe('TypeScript project references', () => {
  it('match what every workspace depends on (run `./lab gen` when this fails)', () => {
    expect(referenceDrift()).toEqual([]);
  });

  it('list every workspace in the root tsconfig, libraries first', () => {
    const root = expectedReferences()
      .get('tsconfig.json')!
      .map(r => r.path);
    expect(root.sort()).toEqual(
      workspaces()
        .map(w => w.dir)
        .sort(),
    );
    expect(
      expectedReferences()
        .get('tsconfig.json')!
        .findIndex(r => r.path.startsWith('services/')),
    ).toBeGreaterThan(
      expectedReferences()
        .get('tsconfig.json')!
        .findIndex(r => r.path === 'packages/kit'),
    );
  });

  it('are rewritten when a dependency is added, and only where it was added', () => {
    const dir = mkdtempSync(join(tmpdir(), 'refs-'));
    try {
      for (const f of ['package.json', 'tsconfig.json']) cpSync(join(REPO_ROOT, f), join(dir, f));
      for (const w of workspaces()) {
        for (const f of ['package.json', 'tsconfig.json']) cpSync(join(REPO_ROOT, w.dir, f), join(dir, w.dir, f));
      }
      expect(referenceDrift(dir)).toEqual([]);
      const pkgFile = join(dir, 'services', 'points', 'package.json');
      const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
      pkg.dependencies['@lab/chaos'] = '0.1.0';
      writeFileSync(pkgFile, JSON.stringify(pkg));
      expect(referenceDrift(dir).map(d => d.file)).toEqual([join('services', 'points', 'tsconfig.json')]);
      expect(writeReferences(dir)).toEqual([join('services', 'points', 'tsconfig.json')]);
      expect(referenceDrift(dir)).toEqual([]);
      const written = JSON.parse(readFileSync(join(dir, 'services', 'points', 'tsconfig.json'), 'utf8'));
      expect(written.references).toContainEqual({ path: '../chaos' });
      expect(written.compilerOptions).toEqual({ rootDir: 'src', outDir: 'dist' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
