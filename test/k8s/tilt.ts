// `tilt alpha tiltfile-result`: evaluates the Tiltfile without a cluster or Docker and prints what it declares.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envWithHelm, ROOT, run, tool } from './tools';

export interface Manifest {
  Name: string;
  ImageTargets:
    | {
        selector?: string;
        LiveUpdateSpec?: { syncs?: { localPath: string; containerPath: string }[] };
        [k: string]: any;
      }[]
    | null;
  DeployTarget: Record<string, any>;
  ResourceDependencies?: string[] | null;
  Labels?: Record<string, string> | null;
  TriggerMode?: number;
}

export interface TiltResult {
  status: number;
  stderr: string;
  manifests: Manifest[];
}

/** Runs it from an empty directory with HOME there too, so no user Tilt settings or kube context leak in. */
export function tiltfileResult(args: string[] = []): TiltResult {
  const home = mkdtempSync(join(tmpdir(), 'tilt-home-'));
  const env = { ...envWithHelm(), HOME: home, KUBECONFIG: join(home, 'no-kubeconfig'), TILT_DISABLE_ANALYTICS: '1' };
  const r = run(
    tool('tilt'),
    ['alpha', 'tiltfile-result', '-f', join(ROOT, 'Tiltfile'), ...(args.length ? ['--', ...args] : [])],
    {
      cwd: home,
      env,
    },
  );
  const manifests = r.status === 0 ? ((JSON.parse(r.stdout) as { Manifests: Manifest[] }).Manifests ?? []) : [];
  return { status: r.status, stderr: r.stderr, manifests };
}
