// The Tiltfile evaluated by the real tilt (no cluster): images, resources, labels, port-forwards and buttons.
import { catalog } from './tools';
import { type Manifest, tiltfileResult } from './tilt';

const SCENARIOS = ['smoke', 'load', 'failure-isolation', 'burst', 'convergence'];
const results = { redis: tiltfileResult(), kafka: tiltfileResult(['--broker=kafka']) };
const byName = (ms: Manifest[]) => new Map(ms.map(m => [m.Name, m]));

describe.each(['redis', 'kafka'] as const)('tilt up -- --broker=%s', broker => {
  const r = results[broker];
  const m = byName(r.manifests);

  it('evaluates without errors', () => {
    expect({ status: r.status, stderr: r.status === 0 ? '' : r.stderr }).toEqual({ status: 0, stderr: '' });
  });

  it('builds one image per catalog service plus the chaos controller, each with live update', () => {
    for (const name of [...catalog().map(s => s.name), 'chaos']) {
      const images = m.get(name)?.ImageTargets ?? [];
      expect({ name, images: images.map(i => i.selector) }).toEqual({ name, images: [`eda-lab-${name}`] });
      const syncs = images[0]!.LiveUpdateSpec?.syncs?.map(s => s.containerPath) ?? [];
      expect(syncs).toEqual(expect.arrayContaining(['/src/packages']));
    }
  });

  it('deploys the chart with the broker of the flag', () => {
    const pubsub = String(m.get('dapr-resources')?.DeployTarget.yaml ?? '');
    expect(pubsub).toContain(`type: pubsub.${broker}`);
    expect(m.has('kafka')).toBe(broker === 'kafka');
    expect(m.has('redis')).toBe(true);
    for (const s of catalog()) expect(m.get(s.name)?.ResourceDependencies).toEqual(['dapr', broker]);
  });

  it('port-forwards the public APIs (no kind context here) and the chaos controller', () => {
    const forwards = (name: string) =>
      (m.get(name)?.DeployTarget.portForwardTemplateSpec?.forwards ?? []).map(
        (f: any) => `${f.localPort}:${f.containerPort}`,
      );
    expect(forwards('order')).toEqual(['3000:3000']);
    expect(forwards('user')).toEqual(['3001:3001']);
    expect(forwards('console')).toEqual(['3009:3009']);
    expect(forwards('payment')).toEqual([]);
    expect(forwards('chaos')).toEqual(['3100:3100']);
  });

  it('groups resources by label', () => {
    expect(m.get('order')?.Labels).toEqual({ public: 'public' });
    expect(m.get('audit')?.Labels).toEqual({ services: 'services' });
    expect(m.get('dapr')?.Labels).toEqual({ infra: 'infra' });
  });

  it('offers manual buttons for the k6 scenarios and chaos actions', () => {
    for (const s of SCENARIOS) {
      const b = m.get(`k6-${s}`);
      expect(b?.DeployTarget.UpdateCmdSpec.args).toEqual(['sh', '-c', `k6 run k6/scenarios/${s}.ts`]);
      expect(b?.DeployTarget.UpdateCmdSpec.env).toEqual(expect.arrayContaining(['BASE_URL=http://127.0.0.1:3000']));
      // TRIGGER_MODE_MANUAL with auto_init=False: never runs on its own.
      expect(b?.TriggerMode).toBe(2);
    }
    const chaos = [...m.values()].filter(x => x.Name.startsWith('chaos-'));
    expect(chaos.map(c => c.Name)).toEqual(
      expect.arrayContaining(['chaos-kill-payment', 'chaos-stop-payment', 'chaos-start-payment']),
    );
    for (const c of chaos) {
      expect(c.TriggerMode).toBe(2);
      expect(c.DeployTarget.UpdateCmdSpec.args[2]).toMatch(
        /^curl -fsS -X \w+ -H 'Authorization: Bearer [^']+'.* http:\/\/127\.0\.0\.1:3100\/chaos\/services/,
      );
    }
  });
});

it('refuses an unknown broker', () => {
  const r = tiltfileResult(['--broker=nats']);
  expect(r.status).not.toBe(0);
  expect(r.stderr).toContain('--broker must be redis or kafka, got "nats"');
});
