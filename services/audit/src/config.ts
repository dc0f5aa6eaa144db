// audit's configuration, parsed once from the environment, and the consumers whose forwarded dead letters it
// keeps: every service of the catalog with a subscription (each has its own forwarding topic).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadServiceConfig, type Env } from '@lab/kit';

export const SERVICE = 'audit';

/** services/catalog.json beside this workspace, in the repository and in the image alike. */
const CATALOG_FILE = join(__dirname, '..', '..', 'catalog.json');

export const loadConfig = (env: Env) =>
  loadServiceConfig(env, SERVICE, 3007, r => {
    const file = r.string('CATALOG_FILE', CATALOG_FILE);
    const { services } = JSON.parse(readFileSync(file, 'utf8')) as {
      services: { name: string; subscribes: string[] }[];
    };
    return { consumers: services.filter(s => s.subscribes.length > 0).map(s => s.name) };
  });
export type Config = ReturnType<typeof loadConfig>;
