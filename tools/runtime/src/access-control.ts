// Who may invoke whom (components/access-control.yaml), rendered into each app's Dapr Configuration.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { REPO_ROOT } from './catalog';

const Operation = z.string().regex(/^(GET|POST|PUT|DELETE|PATCH) \/[A-Za-z0-9/*._-]+$/, 'must be "VERB /operation"');
const AccessFile = z.strictObject({
  callees: z.record(z.string(), z.record(z.string(), z.array(Operation).min(1))),
});
export type CalleePolicies = Record<string, string[]>;

export const ACCESS_CONTROL_FILE = join(REPO_ROOT, 'components', 'access-control.yaml');

/** callee -> caller -> operations. */
export function readAccessControl(path = ACCESS_CONTROL_FILE): Record<string, CalleePolicies> {
  return AccessFile.parse(parse(readFileSync(path, 'utf8'))).callees;
}

/** Dapr's default trust domain (sentry's, unless configured otherwise). */
export const TRUST_DOMAIN = 'public';

/**
 * The `accessControl` of one callee. `identities: false` (local mode, no sentry, no mTLS): daprd sees no caller's
 * identity and applies only the global defaultAction, so it is `deny` for an app nobody may invoke and `allow`
 * for the others; the per-caller policies are rendered either way and hold wherever callers have identities.
 */
export function accessControlFor(
  callee: string,
  all: Record<string, CalleePolicies>,
  opts: { identities: boolean; namespace: string },
) {
  const callers = all[callee] ?? {};
  const invoked = Object.keys(callers).length > 0;
  return {
    defaultAction: opts.identities || !invoked ? 'deny' : 'allow',
    trustDomain: TRUST_DOMAIN,
    // By caller name, as the chart renders them (Helm ranges over a map in key order).
    policies: Object.entries(callers)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([appId, ops]) => ({
        appId,
        defaultAction: 'deny',
        trustDomain: TRUST_DOMAIN,
        namespace: opts.namespace,
        operations: ops.map(op => {
          const [verb, name] = op.split(' ') as [string, string];
          return { name, httpVerb: [verb], action: 'allow' };
        }),
      })),
  };
}

/** Writes <dir>/<app>.yaml: the base Configuration plus the app's accessControl (local mode); returns its path. */
export function writeAppConfig(base: string, app: string, dir: string): string {
  const doc = parse(readFileSync(base, 'utf8')) as { metadata: { name: string }; spec: Record<string, unknown> };
  doc.spec.accessControl = accessControlFor(app, readAccessControl(), { identities: false, namespace: 'default' });
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${app}.yaml`);
  writeFileSync(path, `# Generated from ${base} and components/access-control.yaml for ${app}.\n${stringify(doc)}`);
  return path;
}
