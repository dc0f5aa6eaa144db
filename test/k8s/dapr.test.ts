// The chart's Dapr resources are components/ after the transformation helm/eda-lab/templates/dapr.yaml documents,
// checked as properties of what `helm template` renders, with probe values set on the command line where a value
// decides the output: every item of the source kept, each envRef mapped to its `dapr.envRefs` entry, overrides
// replacing or adding items, tracing from values, scopes and topic scopes equal to the catalog's. No merge of
// values files is re-implemented here: Helm merges, the test looks at the result.
import { lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { accessControlFor, busTopics, readAccessControl } from '@lab/runtime';
import { catalog, CHART, isDapr, type K8sObject, PROFILES, renderChart, ROOT } from './tools';

interface Item {
  name: string;
  value?: unknown;
  envRef?: string;
  secretKeyRef?: unknown;
}

const source = (path: string): K8sObject => parse(readFileSync(join(ROOT, 'components', path), 'utf8'));
// Probe values: each envRef's entry (in the shape the profile gives it: a value or a secretKeyRef, since the values
// schema takes one of the two), an override that replaces an item and one that adds one, and tracing.
const PROBE_SAMPLING = '0.42';
const PROBE_ZIPKIN = 'http://probe-zipkin:9411/api/v2/spans';
type Shape = 'value' | 'secretKeyRef';
const probeOf = (ref: string, shape: Shape): Omit<Item, 'name'> =>
  shape === 'value'
    ? { value: `probe-${ref.toLowerCase()}` }
    : { secretKeyRef: { name: `probe-${ref.toLowerCase()}`, key: 'probe' } };
const probes = (shapes: Map<string, Shape>) => [
  ...[...shapes].flatMap(([ref, shape]) => [
    '--set-json',
    `dapr.envRefs.${ref}=${JSON.stringify(probeOf(ref, shape))}`,
  ]),
  '--set-json',
  'dapr.metadataOverrides.statestore.probeAdded={"value":"added"}',
  '--set-json',
  'dapr.metadataOverrides.pubsub.probeAdded={"value":"added"}',
  '--set-json',
  'dapr.metadataOverrides.statestore.redisHost={"value":"overridden:6379"}',
  '--set',
  `dapr.tracing.samplingRate=${PROBE_SAMPLING}`,
  '--set',
  `dapr.tracing.zipkinEndpoint=${PROBE_ZIPKIN}`,
];

/** Topic scoping from the catalog and the dead-letter channels it implies (busTopics). */
function topicScoping(): Item[] {
  const all = catalog();
  const services = [...all].sort((a, b) => a.name.localeCompare(b.name)).map(s => ({ ...s, ...busTopics(s, all) }));
  const topics = new Set(services.flatMap(s => [...s.publishes, ...s.subscribes]));
  return [
    { name: 'allowedTopics', value: [...topics].sort().join(',') },
    { name: 'publishingScopes', value: services.map(s => `${s.name}=${s.publishes.join(',')}`).join(';') },
    { name: 'subscriptionScopes', value: services.map(s => `${s.name}=${s.subscribes.join(',')}`).join(';') },
  ];
}

const ALL = catalog()
  .map(s => s.name)
  .sort();
const BUS_USERS = catalog()
  .filter(s => s.publishes.length > 0 || s.subscribes.length > 0)
  .map(s => s.name)
  .sort();
const itemsOf = (o: K8sObject) => (o.spec.metadata ?? []) as Item[];
const named = (items: Item[], name: string) => items.filter(i => i.name === name);

it('reads components/ through a symlink, so the chart cannot hold a copy', () => {
  expect(lstatSync(join(CHART, 'components')).isSymbolicLink()).toBe(true);
  expect(readlinkSync(join(CHART, 'components'))).toBe('../../components');
});

describe.each(PROFILES)('profile %s', profile => {
  const find = (objs: K8sObject[], kind: string, name: string) =>
    objs.find(o => o.kind === kind && o.metadata.name === name)!;
  const plain = renderChart(profile).filter(isDapr);
  const profileValues = parse(readFileSync(join(CHART, 'ci', `${profile}-values.yaml`), 'utf8'));
  const broker = String(find(plain, 'Component', 'pubsub')?.spec.type).replace('pubsub.', '');
  const components = ['common/statestore.yaml', `pubsub/${broker}/pubsub.yaml`];
  // How the profile renders each envRef its components use: the probe takes the same shape.
  const shapes = new Map<string, Shape>();
  for (const file of components) {
    const got = find(plain, 'Component', source(file).metadata.name);
    for (const item of itemsOf(source(file)).filter(i => i.envRef)) {
      const [out] = named(itemsOf(got), item.name);
      shapes.set(item.envRef!, out?.secretKeyRef !== undefined ? 'secretKeyRef' : 'value');
    }
  }
  const probed = renderChart(profile, probes(shapes)).filter(isDapr);
  const bus = find(probed, 'Component', 'pubsub');

  it('renders the pub/sub of its broker, the state store, the resiliency and one Configuration per app, nothing else', () => {
    expect(['redis', 'kafka']).toContain(broker);
    const kinds = plain.map(o => `${o.kind}/${o.metadata.name}`).sort();
    expect(kinds).toEqual(
      [
        'Component/pubsub',
        'Component/statestore',
        `Resiliency/${source('common/resiliency.yaml').metadata.name}`,
        ...ALL.map(app => `Configuration/${source('config.yaml').metadata.name}-${app}`),
      ].sort(),
    );
  });

  it.each(components)('components/%s: type, version and every item kept; each envRef mapped to its entry', file => {
    const src = source(file);
    const got = find(probed, 'Component', src.metadata.name);
    expect({ type: got.spec.type, version: got.spec.version }).toEqual({
      type: src.spec.type,
      version: src.spec.version,
    });
    // What replaces an item: the probe's override, else one the profile's own values file sets (a lookup of one key:
    // the chart's defaults override nothing).
    const own = profileValues.dapr?.metadataOverrides?.[src.metadata.name] ?? {};
    const overrides: Record<string, Omit<Item, 'name'>> = {
      ...own,
      ...(src.metadata.name === 'statestore' ? { redisHost: { value: 'overridden:6379' } } : {}),
    };
    for (const item of itemsOf(src)) {
      const out = named(itemsOf(got), item.name);
      expect({ item: item.name, count: out.length }).toEqual({ item: item.name, count: 1 });
      if (overrides[item.name]) expect(out[0]).toEqual({ name: item.name, ...overrides[item.name] });
      else if (item.envRef)
        expect(out[0]).toEqual({ name: item.name, ...probeOf(item.envRef, shapes.get(item.envRef)!) });
      else expect(out[0]).toEqual(item);
    }
    expect(named(itemsOf(got), 'probeAdded')).toEqual([{ name: 'probeAdded', value: 'added' }]);
  });

  it("maps each envRef the profile's own values give (value or secretKeyRef), and leaves no envRef behind", () => {
    expect(JSON.stringify(plain)).not.toContain('envRef');
    for (const file of components) {
      const src = source(file);
      const got = find(plain, 'Component', src.metadata.name);
      for (const item of itemsOf(src).filter(i => i.envRef)) {
        const [out] = named(itemsOf(got), item.name);
        expect({ item: item.name, mapped: out?.value !== undefined || out?.secretKeyRef !== undefined }).toEqual({
          item: item.name,
          mapped: true,
        });
      }
    }
  });

  it("scopes the pub/sub to the apps on the bus with the catalog's topic scopes, the rest to every app", () => {
    expect([...(bus.scopes as string[])].sort()).toEqual(BUS_USERS);
    for (const want of topicScoping()) expect(named(itemsOf(bus), want.name)).toEqual([want]);
    expect([...(find(probed, 'Component', 'statestore').scopes as string[])].sort()).toEqual(ALL);
    const resiliency = source('common/resiliency.yaml');
    const got = find(probed, 'Resiliency', resiliency.metadata.name);
    expect([...(got.scopes as string[])].sort()).toEqual(ALL);
    expect(got.spec).toEqual(resiliency.spec);
  });

  // Issue 13, class 2: who may invoke whom, enforced by each callee's sidecar (mTLS identities in a cluster).
  it.each(ALL)('the Configuration of %s: tracing from values, no local name resolution, its accessControl', app => {
    const src = source('config.yaml');
    const got = find(probed, 'Configuration', `${src.metadata.name}-${app}`);
    const { nameResolution: _local, tracing, ...rest } = src.spec;
    const { accessControl, tracing: gotTracing, ...gotRest } = got.spec;
    expect(gotRest).toEqual(rest);
    expect(gotTracing).toEqual({
      ...tracing,
      samplingRate: PROBE_SAMPLING,
      zipkin: { endpointAddress: PROBE_ZIPKIN },
    });
    expect(accessControl).toEqual(
      accessControlFor(app, readAccessControl(), { identities: true, namespace: 'eda-lab' }),
    );
  });
});

describe('topic scoping', () => {
  it("lets each app publish only its catalog topics and subscribe only to its own; dead letters from subscribers' sidecars", () => {
    const pubsub = renderChart('redis').find(o => o.kind === 'Component' && o.metadata.name === 'pubsub')!;
    const meta = new Map<string, string>(pubsub.spec.metadata.map((m: any) => [m.name, m.value]));
    // "app=t1,t2;app2=" as app -> "t1,t2".
    const scopes = (name: string) =>
      new Map(
        meta
          .get(name)!
          .split(';')
          .map(e => e.split('=') as [string, string]),
      );
    const pub = scopes('publishingScopes');
    expect(pub.get('order')).toBe('order-created,order-cancelled,dead-letters,dead-letters-order');
    expect(pub.get('payment')).toBe('payment-completed,payment-failed,dead-letters,dead-letters-payment');
    const sub = scopes('subscriptionScopes');
    // The desk takes every subscriber's forwarding topic; no one else takes any.
    expect(sub.get('audit')).toContain('dead-letters-payment');
    expect(sub.get('order')).not.toContain('dead-letters');
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
