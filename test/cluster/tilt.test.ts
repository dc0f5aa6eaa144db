// The dev loop, for real: the project's Tiltfile run by tilt 0.37.6 against the kind cluster of `./lab cluster up`
// (images built by the real engine and loaded into the node, the chart applied with the redis dev profile).
// `tilt ci` brings everything up and an order ships; `tilt up` live-updates a source change into the running pod
// (no new pod, no image build); `tilt down` removes what Tilt applied; `tilt ci -- --broker=kafka` swaps the broker
// (the chart's kafka profile, its Kafka in the release) and an order ships through it. Tilt works on a copy of the
// repository, so editing a source never touches this checkout.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '@lab/runtime';
import {
  anOrder,
  helm,
  http,
  kubectlNs,
  kubeJson,
  NAMESPACE,
  ORDER_URL,
  pods,
  RELEASE,
  sh,
  waitFor,
  waitForOrder,
} from './kube';

const TILT = process.env.TILT_BIN ?? 'tilt';
const USER_URL = `http://127.0.0.1:${process.env.LAB_CLUSTER_USER_PORT ?? 3001}`;
/** Tilt's API ports for this suite (its default, 10350, may be a user's own `tilt up`). */
const CI_PORT = 10361;
const UP_PORT = 10362;

const copy = mkdtempSync(join(tmpdir(), 'lab-tilt-'));
/** The Tiltfile's `helm status dapr` and Tilt's own helm() need helm on PATH; kind and kubectl come from cluster.sh env. */
const env = {
  ...process.env,
  PATH: [process.env.HELM_BIN ? dirname(process.env.HELM_BIN) : '', process.env.PATH].filter(Boolean).join(':'),
  // Tilt's analytics prompt and update check stay quiet in CI.
  TILT_DISABLE_ANALYTICS: '1',
  CI: 'true',
};

interface Run {
  code: number | null;
  log: string;
}
/** Runs tilt in the copy; its output goes to a log file whose tail is shown when a step fails. */
function tilt(args: string[], logName: string, timeoutMs: number): Promise<Run> {
  const logFile = join(copy, '..', `${logName}.log`);
  const out = createWriteStream(logFile);
  return new Promise(resolve => {
    const child = spawn(TILT, args, { cwd: copy, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.once('exit', code => {
      clearTimeout(timer);
      out.end(() => resolve({ code, log: tail(readFileSync(logFile, 'utf8')) }));
    });
  });
}
const tail = (text: string, lines = 60) => text.split('\n').slice(-lines).join('\n');

/** Every pod of the namespace gone (what Tilt or Helm applied is removed, the next suite starts empty). */
const emptyNamespace = (what: string) =>
  waitFor(async () => ((await pods()).length === 0 ? true : undefined), { timeoutMs: 240_000, what });

async function orderShips(customerId: string, timeoutMs = 180_000) {
  const placed = await waitFor(
    async () => {
      const r = await http('POST', `${ORDER_URL}/orders`, anOrder(customerId));
      if (r.status === 202) return r;
      throw new Error(`HTTP ${r.status}: ${JSON.stringify(r.body)}`);
    },
    { timeoutMs: 120_000, what: 'an order accepted through the NodePort' },
  );
  await waitForOrder(placed.body.orderId, 'SHIPPED', timeoutMs);
}

beforeAll(async () => {
  // The working tree as a user has it (tracked and new files, nothing ignored: no node_modules, no dist).
  execFileSync('sh', ['-c', `git ls-files -co --exclude-standard -z | tar -c --null -T - -f - | tar -x -C '${copy}'`], {
    cwd: REPO_ROOT,
  });
  // Tilt applies the chart's objects itself (no Helm release): start from an empty namespace.
  await helm('uninstall', RELEASE, '-n', NAMESPACE, '--ignore-not-found', '--wait', '--timeout', '5m');
  // What an interrupted run of this suite left applied (nothing, normally). The kafka profile's objects are the
  // redis profile's plus Kafka's, so its `down` removes what either left.
  const left = await tilt(['down', '--', '--broker=kafka'], 'tilt-down-first', 300_000);
  if (left.code !== 0) throw new Error(`tilt down before the suite failed:\n${left.log}`);
  await emptyNamespace('an empty namespace before tilt');
}, 600_000);

afterAll(async () => {
  // Whatever a failed step left.
  await tilt(['down', '--', '--broker=kafka'], 'tilt-down-final', 300_000);
  await emptyNamespace('every pod Tilt applied to be gone');
  rmSync(copy, { recursive: true, force: true });
}, 900_000);

describe('the Tiltfile on the kind cluster', () => {
  it(
    'tilt ci (redis) builds every image, deploys the chart, and an order ships through the NodePort',
    async () => {
      const run = await tilt(
        ['ci', '--port', String(CI_PORT), '--timeout', '15m', '--', '--broker=redis'],
        'tilt-ci-redis',
        17 * 60_000,
      );
      expect({ code: run.code, log: run.code === 0 ? '' : run.log }).toEqual({ code: 0, log: '' });
      // The pods run the images Tilt built (tagged tilt-<digest>), not the ones `cluster.sh apps` loaded.
      const list = await kubeJson<{ items: any[] }>('get', 'pods', '-l', 'app.kubernetes.io/name=order');
      const image = list.items[0]?.spec.containers.find((c: any) => c.name === 'app')?.image ?? '';
      expect(image).toMatch(/^(docker\.io\/library\/)?eda-lab-order:tilt-[0-9a-f]+$/);
      await orderShips('tilt-c-1');
    },
    20 * 60_000,
  );

  it(
    'tilt up live-updates a source change into the same running pod',
    async () => {
      const child: ChildProcess = spawn(TILT, ['up', '--port', String(UP_PORT), '--stream', '--', '--broker=redis'], {
        cwd: copy,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const upLog = join(copy, '..', 'tilt-up.log');
      const upOut = createWriteStream(upLog);
      child.stdout!.pipe(upOut);
      child.stderr!.pipe(upOut);
      // The copy's source as it was, put back once tilt up is stopped: the later cases build every image from it.
      let restore = () => {};
      try {
        const status = (resource: string) =>
          sh(TILT, [
            'get',
            'uiresource',
            resource,
            '--port',
            String(UP_PORT),
            '-o',
            'jsonpath={.status.runtimeStatus}/{.status.updateStatus}',
          ]);
        await waitFor(
          async () => {
            if (child.exitCode !== null)
              throw new Error(`tilt up exited with ${child.exitCode}: ${tail(readFileSync(upLog, 'utf8'))}`);
            return (await status('user').catch(() => '')) === 'ok/ok' ? true : undefined;
          },
          {
            timeoutMs: 600_000,
            what: 'tilt up to report user running and up to date',
            intervalMs: 2000,
          },
        );
        const [before] = (await pods()).filter(p => p.app === 'user');
        expect(before).toBeDefined();
        // A visible change: /healthz names the service from its config.
        const marker = `user-live-${Date.now()}`;
        const file = join(copy, 'services/user/src/config.ts');
        const source = readFileSync(file, 'utf8');
        restore = () => writeFileSync(file, source);
        const edited = source.replace(
          'loadServiceConfig(env, SERVICE, 3001)',
          `({ ...loadServiceConfig(env, SERVICE, 3001), service: '${marker}' })`,
        );
        expect(edited).not.toBe(source);
        writeFileSync(file, edited);
        await waitFor(
          async () => {
            const r = await http('GET', `${USER_URL}/healthz`);
            if (r.body?.service === marker) return true;
            throw new Error(`healthz says ${JSON.stringify(r.body)}`);
          },
          { timeoutMs: 300_000, what: 'the edited source to be live in user', intervalMs: 1000 },
        );
        // Live update, not a redeploy: the same pod, its app container never restarted.
        const after = await kubeJson<any>('get', 'pod', before!.name);
        expect(after.metadata.deletionTimestamp).toBeUndefined();
        const app = after.status.containerStatuses.find((c: any) => c.name === 'app');
        expect({ pod: after.metadata.name, restarts: app.restartCount }).toEqual({ pod: before!.name, restarts: 0 });
      } finally {
        child.kill('SIGTERM');
        await new Promise(r => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
        restore();
      }
    },
    20 * 60_000,
  );

  it(
    'tilt down removes what it applied',
    async () => {
      const down = await tilt(['down', '--', '--broker=redis'], 'tilt-down-redis', 300_000);
      expect({ code: down.code, log: down.code === 0 ? '' : down.log }).toEqual({ code: 0, log: '' });
      await emptyNamespace('every pod of the redis profile to be gone after tilt down');
      // The namespace (with its Pod Security labels) stays for the next suite: tilt down keeps namespaces by default.
      expect(await sh('kubectl', ['get', 'namespace', NAMESPACE, '-o', 'jsonpath={.metadata.name}'])).toBe(NAMESPACE);
    },
    10 * 60_000,
  );

  it(
    'tilt ci -- --broker=kafka swaps the broker: the in-release Kafka runs, an order ships through it, tilt down clears it',
    async () => {
      const run = await tilt(
        ['ci', '--port', String(CI_PORT), '--timeout', '15m', '--', '--broker=kafka'],
        'tilt-ci-kafka',
        17 * 60_000,
      );
      expect({ code: run.code, log: run.code === 0 ? '' : run.log }).toEqual({ code: 0, log: '' });
      expect(await kubectlNs('get', 'components.dapr.io', 'pubsub', '-o', 'jsonpath={.spec.type}')).toBe(
        'pubsub.kafka',
      );
      expect((await pods()).map(p => p.name).filter(n => n.startsWith('kafka-'))).toHaveLength(1);
      await orderShips('tilt-k-1');
      const down = await tilt(['down', '--', '--broker=kafka'], 'tilt-down-kafka', 300_000);
      expect({ code: down.code, log: down.code === 0 ? '' : down.log }).toEqual({ code: 0, log: '' });
      await emptyNamespace('every pod of the kafka profile to be gone after tilt down');
    },
    25 * 60_000,
  );
});
