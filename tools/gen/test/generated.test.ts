// The documents `./lab gen` writes from the contracts and the catalog: committed, and equal to what the code renders.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCatalog, REPO_ROOT } from '@lab/runtime';
import { renderAsyncApi } from '../src/asyncapi';
import { openApiFile, publicApis, renderOpenApi } from '../src/openapi';

const catalog = readCatalog();

describe('docs/asyncapi.yaml', () => {
  it('is what `./lab gen` renders from the contracts and the catalog', () => {
    expect(readFileSync(join(REPO_ROOT, 'docs', 'asyncapi.yaml'), 'utf8')).toBe(renderAsyncApi(catalog));
  });

  it('names a publisher for every topic a service subscribes to', () => {
    const published = new Set(catalog.flatMap(s => s.publishes));
    for (const s of catalog) for (const t of s.subscribes) expect(published).toContain(t);
  });
});

describe('docs/openapi/<service>.json', () => {
  it.each(publicApis(catalog).map(api => [api.service, api] as const))(
    'docs/openapi/%s.json is what `./lab gen` renders from packages/contracts',
    (_name, api) => {
      const file = openApiFile(api.service);
      let committed = '';
      try {
        committed = readFileSync(join(REPO_ROOT, file), 'utf8');
      } catch {
        // missing: reported below like a stale one
      }
      const stale = `${file} is not what the code generates: run \`./lab gen\` and commit it`;
      expect(committed === renderOpenApi(api) ? 'up to date' : stale).toBe('up to date');
    },
  );
});
