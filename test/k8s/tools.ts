// The real tools the k8s suites run (helm, tilt, actionlint, go), found or failed loudly, and chart rendering.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const ROOT = join(__dirname, '..', '..');
export const CHART = join(ROOT, 'helm', 'eda-lab');
export const PROFILES = ['redis', 'kafka', 'production'] as const;
export type Profile = (typeof PROFILES)[number];

/** A Kubernetes object as rendered (loosely typed: the schemas check the shape). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: any;
}

function versions(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(join(ROOT, 'tools', 'provision', 'versions.env'), 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

/**
 * $<TOOL>_BIN (what tools/provision/all.sh exports), else the provisioned cache path. Never skips: a missing tool
 * is an error telling how to get it.
 */
export function tool(name: 'helm' | 'tilt' | 'actionlint'): string {
  const envName = `${name.toUpperCase()}_BIN`;
  const version = versions()[`${name.toUpperCase()}_VERSION`];
  const cache = process.env.LAB_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'eda-lab');
  const candidates = [process.env[envName], join(cache, 'bin', `${name}-${version}`, name)];
  const found = candidates.find(c => c && existsSync(c));
  if (!found) {
    throw new Error(
      `${name} ${version} is missing (looked at $${envName} and ${candidates[1]}). ` +
        `Run tools/provision/${name}.sh (or ./lab provision), which builds it from the Go module proxy.`,
    );
  }
  return found;
}

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function run(bin: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): RunResult {
  const r = spawnSync(bin, args, {
    cwd: opts.cwd ?? ROOT,
    env: opts.env ?? process.env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** PATH with helm first, as Tilt's helm() runs `helm` by name. */
export function envWithHelm(): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${dirname(tool('helm'))}${delimiter}${process.env.PATH ?? ''}` };
}

/** Multi-document YAML to objects; duplicate keys and syntax errors fail (as kubectl would refuse them). */
export function parseYamlDocs(text: string, what: string): K8sObject[] {
  const docs = parseAllDocuments(text, { uniqueKeys: true });
  const out: K8sObject[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`${what}: ${doc.errors.map(e => e.message).join('; ')}`);
    const value = doc.toJS() as K8sObject | null;
    if (value) out.push(value);
  }
  return out;
}

export const RELEASE = 'eda-lab';
export const NAMESPACE = 'eda-lab';

/** `helm template` of one profile (ci/<profile>-values.yaml), extra args after it; throws with helm's stderr. */
export function renderChart(profile: Profile, extra: string[] = []): K8sObject[] {
  const args = [
    'template',
    RELEASE,
    CHART,
    '--namespace',
    NAMESPACE,
    '-f',
    join(CHART, 'ci', `${profile}-values.yaml`),
  ];
  const r = run(tool('helm'), [...args, ...extra]);
  if (r.status !== 0) throw new Error(`helm template (${profile}) failed:\n${r.stderr}`);
  return parseYamlDocs(r.stdout, `helm template (${profile})`);
}

export function readJson<T>(...path: string[]): T {
  return JSON.parse(readFileSync(join(ROOT, ...path), 'utf8')) as T;
}

export interface CatalogService {
  name: string;
  port: number;
  public: boolean;
  publishes: string[];
  subscribes: string[];
}
export const catalog = () => readJson<{ services: CatalogService[] }>('services', 'catalog.json').services;

/** The dapr/dapr v1.18.0 module (its charts/dapr/crds); downloaded through tools/daprd when absent. */
export function daprModuleDir(): string {
  const modcache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
  const dir = join(modcache, 'github.com', 'dapr', 'dapr@v1.18.0');
  if (!existsSync(dir)) {
    execFileSync('go', ['mod', 'download', 'github.com/dapr/dapr@v1.18.0'], { cwd: join(ROOT, 'tools', 'daprd') });
  }
  if (!existsSync(join(dir, 'charts', 'dapr', 'crds'))) throw new Error(`no Dapr CRDs under ${dir}`);
  return dir;
}

export const isDapr = (o: K8sObject) => o.apiVersion.startsWith('dapr.io/');

/** KEDA's release whose CRDs the chart's ScaledObjects and TriggerAuthentication are checked against (keda.sh/v1alpha1). */
export const KEDA = 'v2.20.2';

/** KEDA's CRDs (config/crd/bases of its module), from the Go module proxy when absent. */
export function kedaCrdDir(): string {
  const modcache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
  const module = 'github.com/kedacore/keda/v2';
  const dir = join(modcache, 'github.com', 'kedacore', 'keda', `v2@${KEDA}`);
  if (!existsSync(dir)) {
    execFileSync('go', ['mod', 'download', `${module}@${KEDA}`], { cwd: join(ROOT, 'tools', 'daprd') });
  }
  const crds = join(dir, 'config', 'crd', 'bases');
  if (!existsSync(crds)) throw new Error(`no KEDA CRDs under ${dir}`);
  return crds;
}

/** prometheus-operator's release whose CRDs the chart's PodMonitor is checked against (monitoring.coreos.com/v1). */
export const PROMETHEUS_OPERATOR = 'v0.90.1';

/** The prometheus-operator module (its example/prometheus-operator-crd), from the Go module proxy when absent. */
export function prometheusOperatorCrdDir(): string {
  const modcache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
  const module = 'github.com/prometheus-operator/prometheus-operator';
  const dir = join(modcache, ...module.split('/').slice(0, 2), `prometheus-operator@${PROMETHEUS_OPERATOR}`);
  if (!existsSync(dir)) {
    execFileSync('go', ['mod', 'download', `${module}@${PROMETHEUS_OPERATOR}`], { cwd: join(ROOT, 'tools', 'daprd') });
  }
  const crds = join(dir, 'example', 'prometheus-operator-crd');
  if (!existsSync(crds)) throw new Error(`no prometheus-operator CRDs under ${dir}`);
  return crds;
}
