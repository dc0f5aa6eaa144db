// The chart's side of the apps' metrics (issue 16): port 9464 named app-metrics, METRICS_PORT, scrape annotations,
// the optional PodMonitor (checked against prometheus-operator's own CRD) and the NetworkPolicy rule for scrapers.
import { monitoringProblems } from './schemas';
import { catalog, PROFILES, PROMETHEUS_OPERATOR, renderChart, type K8sObject } from './tools';

const METRICS_PORT = 9464;
const deployments = (objs: K8sObject[]) => objs.filter(o => o.kind === 'Deployment');
const appDeployments = (objs: K8sObject[]) =>
  deployments(objs).filter(d => catalog().some(s => s.name === d.metadata.name));

describe.each(PROFILES)('profile %s', profile => {
  const objects = renderChart(profile);

  it('gives every service container port 9464 (app-metrics), METRICS_PORT and the scrape annotations', () => {
    const apps = appDeployments(objects);
    expect(apps.map(d => d.metadata.name).sort()).toEqual(
      catalog()
        .map(s => s.name)
        .sort(),
    );
    for (const d of apps) {
      const app = d.spec.template.spec.containers.find((c: any) => c.name === 'app');
      const name = d.metadata.name;
      expect({ name, ports: app.ports }).toEqual({
        name,
        ports: expect.arrayContaining([{ name: 'app-metrics', containerPort: METRICS_PORT }]),
      });
      expect({ name, env: app.env }).toEqual({
        name,
        env: expect.arrayContaining([{ name: 'METRICS_PORT', value: String(METRICS_PORT) }]),
      });
      expect(d.spec.template.metadata.annotations).toMatchObject({
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': String(METRICS_PORT),
        'prometheus.io/path': '/metrics',
      });
    }
  });

  it('renders no PodMonitor unless asked (its CRD may not be installed)', () => {
    expect(objects.filter(o => o.kind === 'PodMonitor')).toEqual([]);
  });
});

describe(`the PodMonitor (metrics.podMonitor.enabled), against prometheus-operator ${PROMETHEUS_OPERATOR}'s CRD`, () => {
  const objects = renderChart('production', [
    '--set',
    'metrics.podMonitor.enabled=true',
    '--set',
    'metrics.podMonitor.labels.release=kube-prometheus-stack',
  ]);
  const monitor = objects.find(o => o.kind === 'PodMonitor')!;

  it('is valid', () => {
    expect(monitor).toBeDefined();
    expect(monitoringProblems([monitor])).toEqual([]);
  });

  it('reports a field the CRD does not declare (control)', () => {
    const bad = structuredClone(monitor);
    bad.spec.podMetricsEndpoints[0].prot = 'app-metrics';
    expect(
      monitoringProblems([bad])
        .map(p => p.error)
        .join(),
    ).toContain('prot');
  });

  it("selects exactly the services' pods, on their app-metrics port, with the Prometheus selector's labels", () => {
    expect(monitor.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack' });
    const selector: Record<string, string> = monitor.spec.selector.matchLabels;
    const selected = deployments(objects).filter(d =>
      Object.entries(selector).every(([k, v]) => d.spec.template.metadata.labels?.[k] === v),
    );
    expect(selected.map(d => d.metadata.name).sort()).toEqual(
      catalog()
        .map(s => s.name)
        .sort(),
    );
    expect(monitor.spec.podMetricsEndpoints).toEqual([{ port: 'app-metrics', path: '/metrics', interval: '15s' }]);
  });
});

describe('the NetworkPolicy of the services (networkPolicies on, as in production)', () => {
  const rulesOn = (objs: K8sObject[], port: number) =>
    objs
      .find(o => o.kind === 'NetworkPolicy' && o.metadata.name === 'eda-lab-services')!
      .spec.ingress.filter((r: any) => r.ports.some((p: any) => p.port === port));

  it('admits scrapes of 9464 (and daprd 9090) only from metrics.scrapers', () => {
    const rules = rulesOn(renderChart('production'), METRICS_PORT);
    expect(rules).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
        ports: [
          { protocol: 'TCP', port: METRICS_PORT },
          { protocol: 'TCP', port: 9090 },
        ],
      },
    ]);
  });

  it('takes another selector, and with none admits no scrape at all', () => {
    const other = rulesOn(
      renderChart('production', ['--set', 'metrics.scrapers[0].namespaceSelector.matchLabels.team=obs']),
      METRICS_PORT,
    );
    expect(other[0].from).toEqual([{ namespaceSelector: { matchLabels: { team: 'obs' } } }]);
    expect(rulesOn(renderChart('production', ['--set', 'metrics.scrapers=null']), METRICS_PORT)).toEqual([]);
  });
});
