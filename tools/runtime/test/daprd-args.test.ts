// daprd's argv for the local runtime, and the run file for the Dapr CLI: the same sidecar settings in both.
import { parse } from 'yaml';
import { portsFor, readCatalog } from '../src/catalog';
import { daprdArgs, SIDECAR } from '../src/daprd-args';
import { renderRunFile } from '../src/run-file';

const order = readCatalog().find(s => s.name === 'order')!;
const ports = portsFor(order, 10_000);
const args = daprdArgs({ appId: 'order', ports, componentsDir: '/c', broker: 'kafka', configFile: '/run/order.yaml' });
/** The value given to a flag (every flag takes one); throws when the flag is missing or repeated where it must not be. */
const flag = (name: string) => {
  const at = args.flatMap((a, i) => (a === name ? [i] : []));
  if (at.length !== 1) throw new Error(`${name} given ${at.length} times in ${args.join(' ')}`);
  return args[at[0]! + 1];
};

describe('daprdArgs', () => {
  it('gives every flag a value: flags and values alternate', () => {
    expect(args.length % 2).toBe(0);
    args.forEach((a, i) => expect(a.startsWith('--')).toBe(i % 2 === 0));
  });

  it("puts the app's ports, shifted by the offset, on loopback only", () => {
    expect(flag('--app-id')).toBe('order');
    expect(flag('--app-port')).toBe('13000');
    expect(flag('--dapr-http-port')).toBe(String(ports.daprHttp));
    expect(flag('--dapr-grpc-port')).toBe(String(ports.daprGrpc));
    expect(flag('--dapr-internal-grpc-port')).toBe(String(ports.daprInternalGrpc));
    expect(flag('--metrics-port')).toBe(String(ports.metrics));
    expect(flag('--app-channel-address')).toBe('127.0.0.1');
    expect(flag('--dapr-listen-addresses')).toBe('127.0.0.1');
  });

  it("loads the common components and the chosen broker's pubsub folder, and the app's own Configuration", () => {
    const paths = args.flatMap((a, i) => (a === '--resources-path' ? [args[i + 1]] : []));
    expect(paths).toEqual(['/c/common', '/c/pubsub/kafka']);
    expect(flag('--config')).toBe('/run/order.yaml');
  });

  it('uses the shared sidecar settings: no placement, no scheduler, no app health check', () => {
    expect(flag('--app-protocol')).toBe(SIDECAR.appProtocol);
    expect(flag('--placement-host-address')).toBe('');
    expect(flag('--scheduler-host-address')).toBe('');
    expect(flag('--dapr-graceful-shutdown-seconds')).toBe(String(SIDECAR.gracefulShutdownSeconds));
    expect(args).not.toContain('--enable-app-health-check');
    expect(flag('--log-level')).toBe('info');
  });
});

describe('dapr.yaml (the Dapr CLI run file)', () => {
  const run = parse(renderRunFile(readCatalog())) as {
    common: Record<string, unknown>;
    apps: Record<string, unknown>[];
  };

  it('states the same sidecar settings as the local runtime', () => {
    expect(run.common).toMatchObject({
      placementHostAddress: SIDECAR.placementHostAddress,
      schedulerHostAddress: SIDECAR.schedulerHostAddress,
    });
    for (const app of run.apps) {
      expect(app).toMatchObject({
        appProtocol: SIDECAR.appProtocol,
        enableAppHealthCheck: SIDECAR.enableAppHealthCheck,
      });
    }
  });
});
