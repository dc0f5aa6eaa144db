// `npm run gen`: writes the files derived from the catalog and the contracts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCatalog, REPO_ROOT } from './catalog';
import { renderRunFile } from './run-file';
import { renderAsyncApi } from './asyncapi';
import { mkdirSync } from 'node:fs';

const catalog = readCatalog();
writeFileSync(join(REPO_ROOT, 'dapr.yaml'), renderRunFile(catalog));
mkdirSync(join(REPO_ROOT, 'docs'), { recursive: true });
writeFileSync(join(REPO_ROOT, 'docs', 'asyncapi.yaml'), renderAsyncApi(catalog));
process.stdout.write('wrote dapr.yaml and docs/asyncapi.yaml\n');
