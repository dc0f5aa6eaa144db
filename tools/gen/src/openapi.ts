// docs/openapi/<service>.json, generated from the HTTP APIs declared in packages/contracts: one per public service.
import { join } from 'node:path';
import { httpApis, type HttpApi } from '@lab/contracts';
import { openApiDocument } from '@lab/kit';
import type { ServiceEntry } from '@lab/runtime';

export const openApiFile = (service: string) => join('docs', 'openapi', `${service}.json`);

/** The API of each public service of the catalog; throws when one has none, or an API belongs to no public service. */
export function publicApis(catalog: ServiceEntry[]): HttpApi[] {
  const names = catalog.filter(s => s.public).map(s => s.name);
  const missing = names.filter(n => !httpApis.some(a => a.service === n));
  const stray = httpApis.filter(a => !names.includes(a.service)).map(a => a.service);
  if (missing.length > 0 || stray.length > 0) {
    throw new Error(
      `every public service of services/catalog.json declares its HTTP API in packages/contracts (httpApis): ` +
        `missing ${missing.join(', ') || 'none'}; not public ${stray.join(', ') || 'none'}`,
    );
  }
  return names.map(n => httpApis.find(a => a.service === n)!);
}

/** The document as committed: the same object GET /openapi.json serves, indented. */
export const renderOpenApi = (api: HttpApi) => `${JSON.stringify(openApiDocument(api), null, 2)}\n`;
