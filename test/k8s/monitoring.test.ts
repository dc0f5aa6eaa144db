// The dashboard and the alert rules the chart ships: generated file in step with its source, every PromQL
// expression parsed by the real promtool, each alert fired on made-up series, and the chart's optional objects.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dashboardQueries, renderDashboard } from '../../tools/gen/src/dashboard';
import { alertRules, ALERTS, DASHBOARD, dashboardExprs, prometheusTool } from '../e2e/prometheus';
import { CHART, run, type K8sObject, renderChart, tool } from './tools';

const promtool = () => prometheusTool('promtool');

describe('the Grafana dashboard (helm/eda-lab/files/dashboard.json)', () => {
  it('is what ./lab gen writes (tools/gen/src/dashboard.ts)', () => {
    expect(readFileSync(DASHBOARD, 'utf8')).toBe(renderDashboard());
  });

  it("holds every query of the source, each on the ${datasource} variable, in a panel of the contract's topics", () => {
    const d = JSON.parse(readFileSync(DASHBOARD, 'utf8'));
    const timeseries = d.panels.filter((p: { type: string }) => p.type === 'timeseries');
    expect(dashboardExprs()).toEqual(dashboardQueries());
    for (const p of timeseries) {
      expect(p.targets.length).toBeGreaterThan(0);
      for (const t of p.targets) expect(t.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
    }
    const titles = timeseries.map((p: { title: string }) => p.title).join('\n');
    for (const wanted of [
      /published per topic/,
      /delay p95 per subscriber/,
      /Backlog/,
      /Dead letters/,
      /5xx/,
      /sync chain vs event flow/,
    ])
      expect(titles).toMatch(wanted);
  });

  it('has only expressions promtool parses (as recording rules: the check would name a bad one)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dashboard-'));
    const file = join(dir, 'dashboard-rules.yaml');
    const rules = dashboardExprs().map((q, i) => ({ record: `dashboard:query_${i}`, expr: q.expr }));
    writeFileSync(file, JSON.stringify({ groups: [{ name: 'dashboard', rules }] }));
    const r = run(promtool(), ['check', 'rules', file]);
    expect(r.stdout + r.stderr).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(r.status).toBe(0);
    // Control: the same check refuses a broken expression.
    writeFileSync(
      file,
      JSON.stringify({ groups: [{ name: 'bad', rules: [{ record: 'x', expr: 'sum by (topic (x)' }] }] }),
    );
    expect(run(promtool(), ['check', 'rules', file]).status).not.toBe(0);
  });
});

describe('the alert rules (helm/eda-lab/files/alerts.yaml)', () => {
  it('pass promtool check rules', () => {
    const r = run(promtool(), ['check', 'rules', ALERTS]);
    expect(r.stdout + r.stderr).toContain('SUCCESS: 8 rules found');
    expect(r.status).toBe(0);
  });

  it('each fire on made-up series showing their condition and stay quiet otherwise (promtool test rules)', () => {
    const r = run(promtool(), ['test', 'rules', 'alerts.promtool.yaml'], { cwd: __dirname });
    expect(r.stdout + r.stderr).toContain('SUCCESS');
    expect(r.status).toBe(0);
    const tested = readFileSync(join(__dirname, 'alerts.promtool.yaml'), 'utf8');
    const alerts = alertRules().groups.flatMap(g => g.rules.flatMap(x => (x.alert ? [x.alert] : [])));
    expect(alerts).toEqual(['EdaDeadLettersRising', 'EdaDeliveryDelayHigh', 'EdaConsumerStalled', 'EdaAppDown']);
    for (const a of alerts) expect(tested).toContain(`alertname: ${a}\n        exp_alerts:\n          - exp_labels`);
  });
});

describe("the chart's optional PrometheusRule and dashboard ConfigMap", () => {
  const on = join(mkdtempSync(join(tmpdir(), 'monitoring-values-')), 'on.yaml');
  writeFileSync(
    on,
    JSON.stringify({
      prometheusRule: { enabled: true, labels: { release: 'kube-prometheus-stack' }, deliveryDelayP95Seconds: 7.5 },
      grafanaDashboard: { enabled: true, folder: 'eda-lab' },
    }),
  );
  const objects = renderChart('redis', ['-f', on]);
  const find = (kind: string) =>
    objects.find((o: K8sObject) => o.kind === kind && o.metadata.name.startsWith('eda-lab-'));

  it('are off by default', () => {
    const plain = renderChart('redis');
    expect(plain.filter(o => o.kind === 'PrometheusRule' || o.metadata.name === 'eda-lab-dashboard')).toEqual([]);
  });

  it("render the rules file's groups, with the delay bound from the values and the selector's labels", () => {
    const rule = find('PrometheusRule')!;
    // Not checked against prometheus-operator's CRD here: its PrometheusRule schema holds a Go regex ((?i)...) that
    // ajv refuses to compile. The groups are the rules file's, which promtool checks above.
    expect(rule.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(rule.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack' });
    const expected = alertRules();
    const delay = expected.groups.flatMap(g => g.rules).find(x => x.alert === 'EdaDeliveryDelayHigh')!;
    expect(delay.expr).toMatch(/ > 30$/);
    delay.expr = delay.expr.replace(/ > 30$/, ' > 7.5');
    expect(rule.spec.groups).toEqual(expected.groups);
  });

  it("ship the dashboard file as it is, labelled for Grafana's sidecar", () => {
    const cm = find('ConfigMap')!;
    expect(cm.metadata.labels).toMatchObject({ grafana_dashboard: '1' });
    expect(cm.metadata.annotations).toEqual({ grafana_folder: 'eda-lab' });
    expect(cm.data['eda-lab.json']).toBe(readFileSync(DASHBOARD, 'utf8').trim());
  });

  it('refuse a bound that is not a positive number', () => {
    const r = run(tool('helm'), [
      'template',
      't',
      CHART,
      '-f',
      join(CHART, 'ci', 'redis-values.yaml'),
      '--set-json',
      'prometheusRule={"enabled":true,"labels":{},"deliveryDelayP95Seconds":"soon"}',
    ]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('deliveryDelayP95Seconds');
  });
});
