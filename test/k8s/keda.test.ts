// The chart's optional autoscaling (keda.enabled, issue 15): a KEDA ScaledObject per consumer on its own consumer
// group's backlog, valid against KEDA's CRDs, the Deployment's replicas left to KEDA, and the Kafka partition bound.
import { kedaProblems } from './schemas';
import { catalog, KEDA, renderChart, type K8sObject } from './tools';

const KEDA_ON = ['--set', 'keda.enabled=true'];
/** The redis profile with its password in a Secret, as a managed Redis would have it. */
const REDIS_SECRET = [
  '--set',
  'dapr.envRefs.LAB_REDIS_PASSWORD.secretKeyRef.name=eda-lab-redis',
  '--set',
  'dapr.envRefs.LAB_REDIS_PASSWORD.secretKeyRef.key=password',
];
const scaled = (objs: K8sObject[]) => objs.filter(o => o.kind === 'ScaledObject');
const consumers = () => catalog().filter(s => s.subscribes.length > 0 && s.name !== 'console');

describe('without keda.enabled (the default)', () => {
  it.each(['redis', 'kafka', 'production'] as const)('%s renders no KEDA object and fixed replicas', profile => {
    const objects = renderChart(profile);
    expect(objects.filter(o => o.apiVersion.startsWith('keda.sh/'))).toEqual([]);
    for (const d of objects.filter(o => o.kind === 'Deployment')) expect(d.spec.replicas).toBeGreaterThan(0);
  });
});

describe(`with keda.enabled, against KEDA ${KEDA}'s CRDs`, () => {
  const redis = renderChart('redis', KEDA_ON);
  const kafka = renderChart('kafka', KEDA_ON);
  const production = renderChart('production', KEDA_ON);

  it.each([
    ['redis', redis],
    ['kafka', kafka],
    ['production', production],
  ])('%s: every KEDA object is valid', (_p, objects) => {
    const ko = objects.filter(o => o.apiVersion.startsWith('keda.sh/'));
    expect(ko.length).toBeGreaterThan(0);
    expect(kedaProblems(ko)).toEqual([]);
  });

  it('reports a field the CRD does not declare (control)', () => {
    const bad = structuredClone(scaled(redis)[0]!);
    bad.spec.maxReplicas = 3;
    expect(
      kedaProblems([bad])
        .map(p => p.error)
        .join(),
    ).toContain('maxReplicas');
  });

  it('scales each consumer (not the console, whose board is in memory) on every topic it subscribes to', () => {
    const objects = scaled(redis);
    expect(objects.map(o => o.metadata.name).sort()).toEqual(
      consumers()
        .map(s => s.name)
        .sort(),
    );
    for (const s of consumers()) {
      const o = objects.find(x => x.metadata.name === s.name)!;
      expect(o.spec.scaleTargetRef).toEqual({ name: s.name });
      expect(o.spec.triggers.map((t: any) => [t.type, t.metadata.stream, t.metadata.consumerGroup])).toEqual(
        s.subscribes.map(topic => ['redis-streams', topic, s.name]),
      );
    }
  });

  it("leaves a scaled Deployment's replicas to KEDA, and keeps them where KEDA does not scale", () => {
    const deployments = redis.filter(o => o.kind === 'Deployment');
    for (const s of consumers()) {
      expect({ s: s.name, replicas: deployments.find(d => d.metadata.name === s.name)!.spec.replicas }).toEqual({
        s: s.name,
        replicas: undefined,
      });
    }
    expect(deployments.find(d => d.metadata.name === 'console')!.spec.replicas).toBe(1);
    expect(deployments.find(d => d.metadata.name === 'gateway')!.spec.replicas).toBeGreaterThan(0);
  });

  it("reads Redis's password from the Secret the component reads it from", () => {
    const objects = renderChart('redis', [...KEDA_ON, ...REDIS_SECRET]);
    const auth = objects.find(o => o.kind === 'TriggerAuthentication')!;
    expect(auth.spec.secretTargetRef).toEqual([{ parameter: 'password', name: 'eda-lab-redis', key: 'password' }]);
    for (const o of scaled(objects)) {
      for (const t of o.spec.triggers) expect(t.authenticationRef).toEqual({ name: auth.metadata.name });
    }
  });

  it("translates production Kafka's SASL/SCRAM and TLS settings, credentials from the component's Secrets", () => {
    const auth = production.find(o => o.kind === 'TriggerAuthentication')!;
    expect(auth.spec.secretTargetRef).toEqual([
      { parameter: 'password', name: 'eda-lab-kafka', key: 'password' },
      { parameter: 'username', name: 'eda-lab-kafka', key: 'username' },
    ]);
    for (const o of scaled(production)) {
      for (const t of o.spec.triggers) {
        expect(t.metadata).toMatchObject({ sasl: 'scram_sha512', tls: 'enable' });
        expect(t.authenticationRef).toEqual({ name: auth.metadata.name });
      }
    }
  });

  it('refuses a Kafka authType it cannot translate, unless given a TriggerAuthentication of your own', () => {
    const mtls = ['--set', 'dapr.metadataOverrides.pubsub.authType.value=mtls'];
    expect(() => renderChart('production', [...KEDA_ON, ...mtls])).toThrow(/authType mtls is not translated/);
    const own = renderChart('production', [...KEDA_ON, ...mtls, '--set', 'keda.authenticationRef=my-kafka']);
    expect(own.filter(o => o.kind === 'TriggerAuthentication')).toEqual([]);
    for (const o of scaled(own))
      for (const t of o.spec.triggers) expect(t.authenticationRef).toEqual({ name: 'my-kafka' });
  });

  it("on Kafka, watches each consumer group's lag on its topics, from the component's brokers", () => {
    for (const o of scaled(kafka)) {
      const s = consumers().find(x => x.name === o.metadata.name)!;
      expect(o.spec.triggers.map((t: any) => [t.type, t.metadata.topic, t.metadata.consumerGroup])).toEqual(
        s.subscribes.map(topic => ['kafka', topic, s.name]),
      );
      expect(o.spec.triggers[0].metadata.bootstrapServers).toBe('kafka:9092');
    }
  });

  it('refuses more replicas than the dev broker has partitions (the rest would get no work)', () => {
    expect(() => renderChart('kafka', [...KEDA_ON, '--set', 'defaults.autoscaling.maxReplicas=4'])).toThrow(
      /maxReplicas 4 is above devInfra.kafka.partitions 3/,
    );
    expect(() => renderChart('redis', [...KEDA_ON, '--set', 'defaults.autoscaling.minReplicas=5'])).toThrow(
      /minReplicas 5 is above maxReplicas 3/,
    );
  });
});
