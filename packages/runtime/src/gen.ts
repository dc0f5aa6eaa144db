// `npm run gen`: writes the files derived from the catalog and the contracts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCatalog, REPO_ROOT } from './catalog';
import { renderRunFile } from './run-file';

writeFileSync(join(REPO_ROOT, 'dapr.yaml'), renderRunFile(readCatalog()));
process.stdout.write('wrote dapr.yaml\n');
