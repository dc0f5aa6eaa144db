// Drift: the chart's Dapr resources are components/ after the documented transformation, re-implemented here.
import { lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DEAD_LETTER_TOPIC } from '@lab/kit';
import { accessControlFor, readAccessControl } from '@lab/runtime';
import { catalog, CHART, isDapr, type K8sObject, PROFILES, type Profile, renderChart, ROOT } from './tools';

type Values = Record<string, any>;

/** Helm's values merge: maps merge key by key, anything else replaces, null deletes. */
function merge(base: Values, over: Values): Values {
  const out: Values = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === null) delete out[k];
    else if (v && typeof v === 'object' && !Array.isArray(v) && out[k] && typeof out[k] === 'object')
      out[k] = merge(out[k], v);
    else out[k] = v;
  }
  return out;
}

const values = (profile: Profile): Values =>
  merge(
    parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')),
    parse(readFileSync(join(CHART, 'ci', `${profile}-values.yaml`), 'utf8')),
  );

const source = (path: string): K8sObject => parse(readFileSync(join(ROOT, 'components', path), 'utf8'));

/** Topic scoping from the catalog: each app publishes its topics (plus dead letters when it subscribes). */
function topicScoping() {
  const services = [...catalog()].sort((a, b) => a.name.localeCompare(b.name));
  const publishes = (s: (typeof services)[number]) => [
    ...new Set([...s.publishes, ...(s.subscribes.length > 0 ? [DEAD_LETTER_TOPIC] : [])]),
  ];
  const topics = new Set([DEAD_LETTER_TOPIC, ...services.flatMap(s => [...s.publishes, ...s.subscribes])]);
  return [
    { name: 'allowedTopics', value: [...topics].sort().join(',') },
    { name: 'publishingScopes', value: services.map(s => `${s.name}=${publishes(s).join(',')}`).join(';') },
    { name: 'subscriptionScopes', value: services.map(s => `${s.name}=${s.subscribes.join(',')}`).join(';') },
  ];
}

/** The transformation documented in helm/eda-lab/templates/dapr.yaml and values.yaml (dapr:). */
function expected(doc: K8sObject, v: Values): K8sObject {
  const out = structuredClone(doc);
  const all = catalog()
    .map(s => s.name)
    .sort();
  if (out.kind === 'Component') {
    let items = (out.spec.metadata as any[]).map(item => {
      if (!('envRef' in item)) return item;
      const ref = v.dapr.envRefs[item.envRef];
      if (!ref) throw new Error(`no envRefs entry for ${item.envRef}`);
      return { name: item.name, ...ref };
    });
    const overrides: Values = v.dapr.metadataOverrides?.[out.metadata.name] ?? {};
    for (const name of Object.keys(overrides).sort()) {
      items = [...items.filter(i => i.name !== name), { name, ...overrides[name] }];
    }
    if (String(out.spec.type).startsWith('pubsub.')) {
      items = [...items, ...topicScoping()];
      out.scopes = catalog()
        .filter(s => s.publishes.length > 0 || s.subscribes.length > 0)
        .map(s => s.name)
        .sort();
    } else {
      out.scopes = all;
    }
    out.spec.metadata = items;
  } else if (out.kind === 'Configuration') {
    delete out.spec.nameResolution;
    out.spec.tracing = {
      ...out.spec.tracing,
      samplingRate: v.dapr.tracing.samplingRate,
      zipkin: { endpointAddress: v.dapr.tracing.zipkinEndpoint },
    };
  } else if (out.kind === 'Resiliency') {
    out.scopes = all;
  }
  return out;
}

const withoutLabels = (o: K8sObject): K8sObject => {
  const { labels: _labels, ...metadata } = o.metadata;
  return { ...o, metadata };
};

it('reads components/ through a symlink, so the chart cannot hold a copy', () => {
  expect(lstatSync(join(CHART, 'components')).isSymbolicLink()).toBe(true);
  expect(readlinkSync(join(CHART, 'components'))).toBe('../../components');
});

describe.each(PROFILES)('profile %s', profile => {
  const v = values(profile);
  const rendered = renderChart(profile).filter(isDapr).map(withoutLabels);
  const files = ['common/statestore.yaml', 'common/resiliency.yaml', `pubsub/${v.broker}/pubsub.yaml`, 'config.yaml'];

  const shared = files.filter(f => f !== 'config.yaml');
  it.each(shared)('renders components/%s exactly as transformed', file => {
    const want = expected(source(file), v);
    const got = rendered.find(o => o.kind === want.kind && o.metadata.name === want.metadata.name);
    expect(got).toEqual(want);
  });

  // Issue 13, class 2: who may invoke whom, enforced by each callee's sidecar (mTLS identities in a cluster).
  it.each(catalog().map(s => s.name))(
    'renders components/config.yaml for %s with its accessControl from components/access-control.yaml',
    app => {
      const want = expected(source('config.yaml'), v);
      want.metadata.name = `${want.metadata.name}-${app}`;
      want.spec.accessControl = accessControlFor(app, readAccessControl(), { identities: true, namespace: 'eda-lab' });
      const got = rendered.find(o => o.kind === 'Configuration' && o.metadata.name === want.metadata.name);
      expect(got).toEqual(want);
    },
  );

  it('renders nothing else of Dapr', () => {
    expect(rendered).toHaveLength(shared.length + catalog().length);
  });

  it('leaves no envRef (a local-only indirection) in the cluster', () => {
    expect(JSON.stringify(rendered)).not.toContain('envRef');
  });
});

describe('topic scoping', () => {
  it("lets each app publish only its catalog topics and subscribe only to its own; dead letters from subscribers' sidecars", () => {
    const pubsub = renderChart('redis').find(o => o.kind === 'Component' && o.metadata.name === 'pubsub')!;
    const meta = new Map<string, string>(pubsub.spec.metadata.map((m: any) => [m.name, m.value]));
    const pub = new Map(
      meta
        .get('publishingScopes')!
        .split(';')
        .map(e => e.split('=') as [string, string]),
    );
    expect(pub.get('order')).toBe('order-created,order-cancelled,dead-letters');
    expect(pub.get('payment')).toBe('payment-completed,payment-failed,dead-letters');
    // Listed with nothing: the gateway may publish no topic at all.
    expect(pub.get('gateway')).toBe('');
    expect(pubsub.scopes).not.toContain('gateway');
  });
});

describe('access control (issue 13, class 2)', () => {
  const configs = renderChart('production').filter(o => o.kind === 'Configuration');
  const acl = (app: string) => configs.find(o => o.metadata.name === `lab-${app}`)!.spec.accessControl;
  const allowed = (callee: string, caller: string) =>
    (acl(callee).policies as any[])
      .filter(p => p.appId === caller)
      .flatMap(p => p.operations.map((o: any) => `${o.httpVerb.join(',')} ${o.name}`));

  it('denies every caller by default, on every app', () => {
    for (const s of catalog())
      expect({ app: s.name, action: acl(s.name).defaultAction }).toEqual({ app: s.name, action: 'deny' });
  });

  it('lets only order invoke the sync routes, and only payment the gateway', () => {
    expect(allowed('payment', 'order')).toEqual(['POST /sync/payments']);
    expect(allowed('delivery', 'order')).toEqual(['POST /sync/deliveries']);
    expect(allowed('notification', 'order')).toEqual(['POST /sync/notifications']);
    expect(allowed('gateway', 'payment')).toEqual(['POST /authorizations']);
    for (const callee of ['payment', 'delivery', 'notification', 'gateway']) {
      const callers = (acl(callee).policies as any[]).map(p => p.appId);
      for (const other of catalog().map(s => s.name)) {
        if (!callers.includes(other)) expect(allowed(callee, other)).toEqual([]);
      }
    }
    expect(allowed('gateway', 'order')).toEqual([]);
  });

  it('lets nobody invoke the apps no one calls', () => {
    for (const app of ['order', 'user', 'points', 'stats']) expect(acl(app).policies).toEqual([]);
  });

  it("renders the local runtime's variant with an allow-all default only where callers exist (no identities locally)", () => {
    const local = (app: string) =>
      accessControlFor(app, readAccessControl(), { identities: false, namespace: 'default' });
    expect(local('payment').defaultAction).toBe('allow');
    expect(local('points').defaultAction).toBe('deny');
    expect(local('order').defaultAction).toBe('deny');
  });
});
