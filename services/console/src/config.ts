// console's configuration, parsed once from the environment: where the other services, their metrics and the
// chaos API answer, and the catalog the graph is drawn from.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadServiceConfig, type Env } from '@lab/kit';
import { targetsOf, type CatalogEntry } from './domain/topology';

export const SERVICE = 'console';

/** services/catalog.json beside this workspace, in the repository and in the image alike. */
const CATALOG_FILE = join(__dirname, '..', '..', 'catalog.json');

export const loadConfig = (env: Env) =>
  loadServiceConfig(env, SERVICE, 3009, r => {
    const catalogFile = r.string('CATALOG_FILE', CATALOG_FILE);
    const catalog = (JSON.parse(readFileSync(catalogFile, 'utf8')) as { services: CatalogEntry[] }).services;
    // local: 127.0.0.1, app port + offset, metrics on 9190 + i + offset; cluster: http://<name>:<port>, :9464.
    const mode = r.oneOf('TARGETS', ['local', 'cluster'], 'local');
    const offset = r.int('TARGET_PORT_OFFSET', 0, 0, 30_000);
    return {
      catalog,
      targets: targetsOf(catalog, mode, offset),
      /** The chaos API (the local runtime's, or the chaos controller in the cluster); unset: no chaos buttons. */
      chaosUrl: r.optional('CHAOS_URL'),
      chaosToken: r.optional('CHAOS_TOKEN'),
      /** Orders kept on the board, and facts kept per order. */
      keepOrders: r.int('CONSOLE_KEEP_ORDERS', 50, 1, 1000),
      scrapeEveryMs: r.int('CONSOLE_SCRAPE_MS', 1000, 0, 60_000),
    };
  });
export type Config = ReturnType<typeof loadConfig>;
