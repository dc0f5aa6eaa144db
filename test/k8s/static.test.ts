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
  const text = read('Dockerfile');
  const all = stages(text);
  const final = all.at(-1)!;

  it('builds on Node 24 in every stage: the official image by default, any base through NODE_IMAGE', () => {
    expect(text).toMatch(/^ARG NODE_IMAGE=node:24-slim$/m);
    for (const s of all.filter(x => !all.some(y => y.name === x.from))) expect(s.from).toBe('${NODE_IMAGE}');
  });

  it('ships the runtime stage last, so a plain docker build produces it', () => {
    expect(final.name).toBe('runtime');
    expect(final.from).toBe('${NODE_IMAGE}');
  });

  it('compiles with npm ci then tsc -b in the build stage', () => {
    const build = all.find(s => s.name === 'build')!.lines;
    const ci = build.findIndex(l => /^RUN npm ci\b/.test(l));
    const tsc = build.findIndex(l => /^RUN npx tsc -b\b/.test(l));
    expect(ci).toBeGreaterThanOrEqual(0);
    expect(tsc).toBeGreaterThan(ci);
  });

  it('ships production dependencies and compiled output only: pruned once, copied into the runtime stage', () => {
    const pruned = all.find(st => st.name === 'pruned')!;
    expect(pruned.from).toBe('build');
    expect(pruned.lines.some(l => /^RUN npm prune --omit=dev\b/.test(l))).toBe(true);
    expect(pruned.lines.join('\n')).toMatch(/-name src -o -name test/);
    expect(final.lines).toContain('COPY --from=pruned /src/ /app/');
    expect(final.lines.filter(l => /\bnpm (ci|install|i)\b/.test(l))).toEqual([]);
    expect(final.lines.join('\n')).not.toMatch(/typescript|tsc/);
    expect(final.lines.some(l => /^ARG WORKSPACE=services\/\$\{SERVICE\}$/.test(l))).toBe(true);
  });

  it("needs no BuildKit-only syntax (the legacy builder of Debian's docker.io builds it)", () => {
    expect(text).not.toMatch(/^# syntax=/m);
    expect(text).not.toMatch(/COPY --parents|RUN --mount/);
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

describe('k8s/ and tools/cluster/', () => {
  it('the cluster scripts are valid bash; Dapr is installed with sidecars that drop every capability', () => {
    for (const f of ['lib.sh', 'engine.sh', 'base-image.sh', 'build.sh', 'images.sh', 'cluster.sh', 'runc-wrapper']) {
      const r = run('bash', ['-n', join(ROOT, 'tools', 'cluster', f)]);
      expect({ f, stderr: r.stderr, status: r.status }).toEqual({ f, stderr: '', status: 0 });
    }
    const script = read('tools', 'cluster', 'cluster.sh');
    // Without it the restricted Pod Security profile refuses every service pod (daprd keeps its capabilities).
    expect(script).toContain('dapr_sidecar_injector.sidecarDropALLCapabilities=true');
    expect(read('Tiltfile')).toContain('dapr_sidecar_injector.sidecarDropALLCapabilities=true');
    expect(read('tools', 'provision', 'versions.env')).toMatch(/^DAPR_VERSION=1\.18\.0$/m);
    expect(read('tools', 'provision', 'versions.env')).toMatch(/^KUBERNETES_VERSION=\d+\.\d+\.\d+$/m);
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

  it('creates kind with Dapr, builds and loads images, installs the chart and runs smoke and failure-isolation', () => {
    const steps: string = parse(read('.github', 'workflows', 'k8s.yaml'))
      .jobs.kind.steps.map((s: any) => s.run ?? s.uses)
      .join('\n');
    for (const part of ['./lab cluster up', './lab cluster apps', 'helm upgrade --install eda-lab helm/eda-lab']) {
      expect(steps).toContain(part);
    }
    expect(steps).toContain('k6 run k6/scenarios/smoke.ts');
    expect(steps).toContain('k6 run k6/scenarios/failure-isolation.ts');
  });
});
