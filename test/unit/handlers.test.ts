// Across the tree (no port, no sidecar): every service's handler table, built by its own createApp, subscribes to
// exactly the topics services/catalog.json gives it, so the catalog that the local runtime, dapr.yaml, the chart and
// the components' topic scopes read is the truth.
import { join } from 'node:path';
import request from 'supertest';
import { memoryDapr, silentLogger } from '@lab/kit/testing';
import { readCatalog, REPO_ROOT } from '@lab/runtime';

const catalog = readCatalog();

describe('services/catalog.json and the services themselves', () => {
  it.each(catalog.map(s => [s.name]))("lists exactly the topics %s's handler table subscribes to", async name => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createApp } = require(
      join(REPO_ROOT, 'services', name, 'src', 'app'),
    ) as typeof import('../../services/order/src/app');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { loadConfig } = require(
      join(REPO_ROOT, 'services', name, 'src', 'config'),
    ) as typeof import('../../services/order/src/config');
    const app = createApp({ config: loadConfig({}), log: silentLogger(), dapr: memoryDapr() });
    const res = await request(app.callback()).get('/dapr/subscribe');
    expect([200, 404]).toContain(res.status); // daprd reads 404 as "no subscriptions"
    const declared = (res.status === 200 ? (res.body as { topic: string }[]) : []).map(s => s.topic).sort();
    expect(declared).toEqual([...catalog.find(s => s.name === name)!.subscribes].sort());
  });
});
