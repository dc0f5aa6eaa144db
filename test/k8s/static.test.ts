// What cannot run here (docker build, kind, the GitHub workflow), checked statically or with the real linters.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { kubernetesProblems } from './schemas';
import { parseYamlDocs, ROOT, run, tool } from './tools';

const read = (...p: string[]) => readFileSync(join(ROOT, ...p), 'utf8');

/** Dockerfile instructions per stage (continuation lines joined, comments dropped). */
function stages(text: string): { name: string; from: string; lines: string[] }[] {
  const logical = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map(l => l.trim())
    .filter(l => l && !l.startsWith('#'));
  const out: { name: string; from: string; lines: string[] }[] = [];
  for (const line of logical) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) out.push({ from: from[1]!, name: from[2] ?? String(out.length), lines: [] });
    else out.at(-1)?.lines.push(line);
  }
  return out;
}

describe('Dockerfile', () => {
  const all = stages(read('Dockerfile'));
  const final = all.at(-1)!;

  it('builds on Node 24 in every stage', () => {
    for (const s of all.filter(x => !all.some(y => y.name === x.from)))
      expect(s.from).toMatch(/^node:24(-slim|-alpine|\.|$)/);
  });

  it('ships the runtime stage last, so a plain docker build produces it', () => {
    expect(final.name).toBe('runtime');
    expect(final.from).toMatch(/^node:24/);
  });

  it('compiles with npm ci then tsc -b in the build stage', () => {
    const build = all.find(s => s.name === 'build')!.lines;
    const ci = build.findIndex(l => /^RUN npm ci\b/.test(l));
    const tsc = build.findIndex(l => /^RUN npx tsc -b\b/.test(l));
    expect(ci).toBeGreaterThanOrEqual(0);
    expect(tsc).toBeGreaterThan(ci);
  });

  it('installs production dependencies only, for the one workspace, in the runtime stage', () => {
    const installs = final.lines.filter(l => /\bnpm (ci|install|i)\b/.test(l));
    expect(installs).toHaveLength(1);
    expect(installs[0]).toMatch(/npm ci --omit=dev --workspace "\$\{WORKSPACE\}"/);
    expect(final.lines.join('\n')).not.toMatch(/typescript|tsc/);
    expect(final.lines.some(l => /^ARG WORKSPACE=services\/\$\{SERVICE\}$/.test(l))).toBe(true);
  });

  it('runs as a non-root numeric user', () => {
    const users = final.lines.filter(l => l.startsWith('USER '));
    expect(users).toHaveLength(1);
    expect(users[0]).toMatch(/^USER [1-9]\d*(:[1-9]\d*)?$/);
  });

  it('starts like local mode: node dist/main.js in services/$SERVICE', () => {
    expect(final.lines.filter(l => l.startsWith('WORKDIR ')).at(-1)).toBe('WORKDIR /app/${WORKSPACE}');
    expect(final.lines.filter(l => /^(CMD|ENTRYPOINT) /.test(l))).toEqual(['CMD ["node", "dist/main.js"]']);
  });

  it('keeps dependencies, build output and local state out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const p of ['**/node_modules', '**/dist', '.run', '.git']) expect(ignored).toContain(p);
  });
});

describe('k8s/', () => {
  it('up.sh is valid bash, installs Dapr from its official chart at the pinned version', () => {
    const r = run('bash', ['-n', join(ROOT, 'k8s', 'up.sh')]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const script = read('k8s', 'up.sh');
    expect(script).toContain(
      'helm upgrade --install dapr dapr/dapr --version="$DAPR_VERSION" --namespace dapr-system --create-namespace --wait',
    );
    expect(script).toContain('source tools/provision/versions.env');
    expect(read('tools', 'provision', 'versions.env')).toMatch(/^DAPR_VERSION=1\.18\.0$/m);
  });

  it('kind.yaml maps the public APIs to the host and trusts the local registry', () => {
    const kind = parse(read('k8s', 'kind.yaml'));
    expect(kind).toMatchObject({ kind: 'Cluster', apiVersion: 'kind.x-k8s.io/v1alpha4', name: 'eda-lab' });
    const maps = kind.nodes[0].extraPortMappings.map((m: any) => `${m.hostPort}->${m.containerPort}`);
    expect(maps).toEqual(['3000->30000', '3001->30001']);
    expect(kind.containerdConfigPatches.join()).toContain('config_path = "/etc/containerd/certs.d"');
  });

  it('namespace.yaml is a valid Namespace enforcing the restricted Pod Security profile', () => {
    const [ns] = parseYamlDocs(read('k8s', 'namespace.yaml'), 'k8s/namespace.yaml');
    expect(kubernetesProblems([ns!])).toEqual([]);
    expect(ns!.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });
});

describe('.github/workflows/k8s.yaml', () => {
  it('passes actionlint', () => {
    const r = run(tool('actionlint'), [join(ROOT, '.github', 'workflows', 'k8s.yaml')]);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('builds images, creates kind with Dapr, installs the chart and runs smoke and failure-isolation', () => {
    const steps: string = parse(read('.github', 'workflows', 'k8s.yaml'))
      .jobs.kind.steps.map((s: any) => s.run ?? s.uses)
      .join('\n');
    for (const part of [
      'k8s/up.sh',
      'docker build --build-arg SERVICE=',
      'helm upgrade --install eda-lab helm/eda-lab',
    ]) {
      expect(steps).toContain(part);
    }
    expect(steps).toContain('k6 run k6/scenarios/smoke.js');
    expect(steps).toContain('k6 run k6/scenarios/failure-isolation.js');
  });
});
