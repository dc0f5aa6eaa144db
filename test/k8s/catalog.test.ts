// One list of services: the catalog, the chart's values and render, the Tiltfile and dapr.yaml never drift apart.
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { busTopics } from '@lab/runtime';
import { catalog, CHART, renderChart, ROOT } from './tools';
import { tiltfileResult } from './tilt';

const names = () =>
  catalog()
    .map(s => s.name)
    .sort();

it('the chart reads the catalog itself: values.yaml only tunes catalog services, never says what they are', () => {
  const values = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as { services: Record<string, object> };
  expect(realpathSync(join(CHART, 'catalog.json'))).toBe(realpathSync(join(ROOT, 'services', 'catalog.json')));
  expect(Object.keys(values.services).filter(n => !names().includes(n))).toEqual([]);
  const identity = Object.entries(values.services).flatMap(([name, s]) =>
    ['port', 'public', 'publishes', 'subscribes'].filter(k => k in s).map(k => `${name}.${k}`),
  );
  expect(identity).toEqual([]);
});

it('renders each catalog service with its port, visibility and topics from the catalog', () => {
  const objects = renderChart('redis');
  for (const s of catalog()) {
    const svc = objects.find(o => o.kind === 'Service' && o.metadata.name === s.name)!;
    expect({ name: s.name, port: svc.spec.ports[0].port }).toEqual({ name: s.name, port: s.port });
  }
  const pubsub = objects.find(o => o.kind === 'Component' && o.metadata.name === 'pubsub')!;
  const scopes = pubsub.spec.metadata.find((m: { name: string }) => m.name === 'subscriptionScopes').value as string;
  for (const s of catalog())
    expect(scopes.split(';')).toContain(`${s.name}=${busTopics(s, catalog()).subscribes.join(',')}`);
});

it('refuses to render an override of a service the catalog does not have', () => {
  expect(() => renderChart('redis', ['--set', 'services.nosuch.replicas=1'])).toThrow(
    /services.nosuch: services\/catalog.json has no service nosuch/,
  );
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
