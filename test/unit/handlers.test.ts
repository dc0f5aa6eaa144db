// Across the tree (no port, no sidecar): every service's handler table, built by its own createApp, subscribes to
// exactly the topics services/catalog.json gives it, so the catalog that the local runtime, dapr.yaml, the chart and
// the components' topic scopes read is the truth.
import { join } from 'node:path';
import request from 'supertest';
import { memoryDapr, silentLogger } from '@lab/kit/testing';
import { busTopics, readCatalog, REPO_ROOT } from '@lab/runtime';

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
    // The catalog's topics plus the dead-letter channels it implies (every subscriber's forwarding topic, at audit).
    expect(declared).toEqual(
      [
        ...busTopics(
          catalog.find(s => s.name === name)!,
          catalog,
        ).subscribes,
      ].sort(),
    );
  });
});

// Issue 13, class 5: whom order's open-orders watch addresses its re-announcements to.
describe("the audience of order's re-announcements", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { REANNOUNCED_TO } = require(
    join(REPO_ROOT, 'services', 'order', 'src', 'domain', 'open-orders'),
  ) as typeof import('../../services/order/src/domain/open-orders');
  const subscribers = (topic: string) => catalog.filter(s => s.subscribes.includes(topic)).map(s => s.name);

  it('is services of the catalog that subscribe to OrderCreated', () => {
    for (const name of REANNOUNCED_TO) expect(subscribers('order-created')).toContain(name);
  });

  it('includes every service that answers a fact with a fact of its own (the chain the copy must move)', () => {
    // A publisher of business facts that subscribes to the chain: order, payment and delivery.
    const movers = catalog
      .filter(s => s.publishes.some(t => t !== 'dead-letters') && s.subscribes.length > 0)
      .filter(s => s.subscribes.includes('order-created') || s.subscribes.includes('payment-completed'))
      .map(s => s.name);
    expect([...REANNOUNCED_TO].sort()).toEqual(movers.sort());
  });
});
