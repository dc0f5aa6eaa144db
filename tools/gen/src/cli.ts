// `./lab gen`: writes the files derived from the catalog and the contracts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readCatalog, REPO_ROOT } from '@lab/runtime';
import { renderRunFile } from '@lab/runtime';
import { renderAsyncApi } from './asyncapi';
import { openApiFile, publicApis, renderOpenApi } from './openapi';
import { renderDashboard } from './dashboard';
import { writeReferences } from './tsconfig-refs';

const catalog = readCatalog();
const written = ['dapr.yaml', join('docs', 'asyncapi.yaml')];
writeFileSync(join(REPO_ROOT, 'dapr.yaml'), renderRunFile(catalog));
mkdirSync(join(REPO_ROOT, 'docs'), { recursive: true });
writeFileSync(join(REPO_ROOT, 'docs', 'asyncapi.yaml'), renderAsyncApi(catalog));
for (const api of publicApis(catalog)) {
  const file = openApiFile(api.service);
  mkdirSync(dirname(join(REPO_ROOT, file)), { recursive: true });
  writeFileSync(join(REPO_ROOT, file), renderOpenApi(api));
  written.push(file);
}
// The Grafana dashboard the chart ships (templates/monitoring.yaml).
const dashboard = join('helm', 'eda-lab', 'files', 'dashboard.json');
writeFileSync(join(REPO_ROOT, dashboard), renderDashboard());
written.push(dashboard);
// TypeScript project references, from the workspaces' package.json (only files that drifted are rewritten).
written.push(...writeReferences());
process.stdout.write(`wrote ${written.join(', ')}\n`);
