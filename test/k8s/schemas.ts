// Schema checks of rendered objects: Kubernetes kinds with kubernetes-models, Dapr kinds with Dapr's own CRDs.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { daprModuleDir, kedaCrdDir, prometheusOperatorCrdDir, type K8sObject } from './tools';

export interface Problem {
  where: string;
  error: string;
}

/** Every object through kubernetes-models' validators (offline); returns the failures. */
export function kubernetesProblems(objects: K8sObject[]): Problem[] {
  const r = spawnSync(process.execPath, [join(__dirname, 'validate-models.mjs')], {
    input: JSON.stringify(objects),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`validate-models.mjs failed: ${r.stderr}`);
  const results = JSON.parse(r.stdout) as { where: string; error?: string }[];
  if (results.length !== objects.length) throw new Error('validate-models.mjs skipped objects');
  return results.filter((x): x is Problem => x.error !== undefined);
}

type Schema = Record<string, any>;

/**
 * kubectl (strict field validation, the default) refuses fields a CRD does not declare: close every object
 * schema that lists properties, unless it preserves unknown fields. The CRDs leave metadata open; so do we.
 */
function closeObjects(schema: Schema, path = ''): Schema {
  const out: Schema = { ...schema };
  if (out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  for (const key of ['properties', 'patternProperties']) {
    if (out[key]) {
      out[key] = Object.fromEntries(
        Object.entries(out[key] as Schema).map(([k, v]) => [
          k,
          k === 'metadata' && path === '' ? v : closeObjects(v, `${path}/${k}`),
        ]),
      );
    }
  }
  if (out.items && typeof out.items === 'object') out.items = closeObjects(out.items, `${path}/items`);
  if (out.additionalProperties && typeof out.additionalProperties === 'object') {
    out.additionalProperties = closeObjects(out.additionalProperties, `${path}/*`);
  }
  return out;
}

let validators: Map<string, (o: unknown) => Problem[]> | undefined;

/** apiVersion/kind -> validator, from dapr/dapr v1.18.0 charts/dapr/crds/*.yaml (served versions only). */
function daprValidators(): Map<string, (o: unknown) => Problem[]> {
  validators ??= crdValidators(join(daprModuleDir(), 'charts', 'dapr', 'crds'), () => true);
  return validators;
}

export function daprProblems(objects: K8sObject[]): Problem[] {
  return objects.flatMap(o => {
    const validate = daprValidators().get(`${o.apiVersion}/${o.kind}`);
    const where = `${o.kind}/${o.metadata.name}`;
    if (!validate) return [{ where, error: `no Dapr CRD serves ${o.apiVersion} ${o.kind}` }];
    return validate(o).map(p => ({ where, error: p.error }));
  });
}

/**
 * Validators of the CRDs in `dir` whose file names pass `take`, by apiVersion/kind (served versions only).
 * int32/int64 are OpenAPI formats ajv does not know; the type check still applies.
 */
function crdValidators(dir: string, take: (file: string) => boolean): Map<string, (o: unknown) => Problem[]> {
  const out = new Map<string, (o: unknown) => Problem[]>();
  const ajv = new Ajv({ allErrors: true, nullable: true, unknownFormats: 'ignore', schemaId: 'auto', logger: false });
  for (const file of readdirSync(dir).filter(f => f.endsWith('.yaml') && take(f))) {
    const crd = parse(readFileSync(join(dir, file), 'utf8')) as Schema;
    for (const v of crd.spec.versions as Schema[]) {
      if (!v.served) continue;
      const key = `${crd.spec.group}/${v.name}/${crd.spec.names.kind}`;
      const validate = ajv.compile(closeObjects(v.schema.openAPIV3Schema));
      out.set(key, (o: unknown) =>
        validate(o)
          ? []
          : (validate.errors ?? []).map(e => ({
              where: key,
              error: `${e.dataPath} ${e.message} ${JSON.stringify(e.params)}`,
            })),
      );
    }
  }
  return out;
}

let monitoring: Map<string, (o: unknown) => Problem[]> | undefined;

/** prometheus-operator objects (the chart's PodMonitor) against that release's own CRD. */
export function monitoringProblems(objects: K8sObject[]): Problem[] {
  monitoring ??= crdValidators(prometheusOperatorCrdDir(), f => f === 'monitoring.coreos.com_podmonitors.yaml');
  return objects.flatMap(o => {
    const validate = monitoring!.get(`${o.apiVersion}/${o.kind}`);
    const where = `${o.kind}/${o.metadata.name}`;
    if (!validate) return [{ where, error: `no prometheus-operator CRD serves ${o.apiVersion} ${o.kind}` }];
    return validate(o).map(p => ({ where, error: p.error }));
  });
}

let keda: Map<string, (o: unknown) => Problem[]> | undefined;

/** KEDA objects (the chart's ScaledObjects and TriggerAuthentication) against that release's own CRDs. */
export function kedaProblems(objects: K8sObject[]): Problem[] {
  keda ??= crdValidators(
    kedaCrdDir(),
    f => f === 'keda.sh_scaledobjects.yaml' || f === 'keda.sh_triggerauthentications.yaml',
  );
  return objects.flatMap(o => {
    const validate = keda!.get(`${o.apiVersion}/${o.kind}`);
    const where = `${o.kind}/${o.metadata.name}`;
    if (!validate) return [{ where, error: `no KEDA CRD serves ${o.apiVersion} ${o.kind}` }];
    return validate(o).map(p => ({ where, error: p.error }));
  });
}
