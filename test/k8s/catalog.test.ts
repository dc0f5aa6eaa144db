// One list of services: the catalog, the chart's values and render, the Tiltfile and dapr.yaml never drift apart.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { catalog, CHART, renderChart, ROOT } from './tools';
import { tiltfileResult } from './tilt';

const names = () =>
  catalog()
    .map(s => s.name)
    .sort();

it('values.yaml has exactly the catalog services, with the same port, visibility and topics', () => {
  const values = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as { services: Record<string, any> };
  const fromValues = Object.entries(values.services).map(([name, s]) => ({
    name,
    port: s.port,
    public: s.public,
    publishes: s.publishes,
    subscribes: s.subscribes,
  }));
  const fromCatalog = catalog().map(({ name, port, public: p, publishes, subscribes }) => ({
    name,
    port,
    public: p,
    publishes,
    subscribes,
  }));
  const sort = <T extends { name: string }>(xs: T[]) => [...xs].sort((a, b) => a.name.localeCompare(b.name));
  // On failure: copy the catalog's entry into helm/eda-lab/values.yaml (services.<name>).
  expect(sort(fromValues)).toEqual(sort(fromCatalog));
});

it('the rendered chart has one Dapr-enabled Deployment per catalog service', () => {
  const appIds = renderChart('redis')
    .filter(o => o.kind === 'Deployment' && o.spec.template.metadata.annotations?.['dapr.io/enabled'] === 'true')
    .map(o => o.spec.template.metadata.annotations['dapr.io/app-id'])
    .sort();
  expect(appIds).toEqual(names());
});

it('the Tiltfile builds and deploys every catalog service', () => {
  const r = tiltfileResult();
  expect(r.status).toBe(0);
  const withImages = r.manifests
    .filter(m => (m.ImageTargets ?? []).length > 0 && m.Name !== 'chaos')
    .map(m => m.Name)
    .sort();
  expect(withImages).toEqual(names());
});

it('dapr.yaml runs every catalog service', () => {
  const run = parse(readFileSync(join(ROOT, 'dapr.yaml'), 'utf8')) as { apps: { appID: string }[] };
  expect(run.apps.map(a => a.appID).sort()).toEqual(names());
});
