// How every sidecar of this project is configured, written once: the local runtime's daprd argv, the Dapr CLI's
// run file (dapr.yaml) and the chart's annotations are all derived from (or checked against) SIDECAR.
import { join } from 'node:path';
import type { Ports } from './catalog';

/** The settings every sidecar shares, wherever it runs. */
export const SIDECAR = {
  appProtocol: 'http',
  /**
   * No daprd app health check: when it flips, daprd 1.18.0 pauses and resumes subscriptions, and on Kafka the
   * resumed consumer received nothing more (test/e2e/faults.test.ts caught it). Deliveries to an app that is down
   * are retried by the resiliency policy instead; the runtime (or the kubelet's probes) checks health itself.
   */
  enableAppHealthCheck: false,
  /** No actors, no jobs: daprd needs neither placement nor scheduler (the scheduler cannot be built offline). */
  placementHostAddress: '',
  schedulerHostAddress: '',
  /** Long enough for daprd to stop reading the broker and finish the deliveries in flight. */
  gracefulShutdownSeconds: 3,
} as const;

export interface DaprdOptions {
  appId: string;
  ports: Ports;
  /** The folder of component YAML; `common/` and `pubsub/<broker>/` are loaded from it. */
  componentsDir: string;
  broker: 'redis' | 'kafka';
  /** The app's own Configuration file (the shared one plus who may invoke it). */
  configFile: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

/** daprd's argv for one app on loopback: pure, so the local runtime's sidecars are checked without starting one. */
export function daprdArgs(o: DaprdOptions): string[] {
  const flags: [string, string][] = [
    ['--app-id', o.appId],
    ['--app-port', String(o.ports.app)],
    ['--app-protocol', SIDECAR.appProtocol],
    ['--app-channel-address', '127.0.0.1'],
    ['--dapr-listen-addresses', '127.0.0.1'],
    ['--dapr-http-port', String(o.ports.daprHttp)],
    ['--dapr-grpc-port', String(o.ports.daprGrpc)],
    ['--dapr-internal-grpc-port', String(o.ports.daprInternalGrpc)],
    ['--metrics-port', String(o.ports.metrics)],
    ['--resources-path', join(o.componentsDir, 'common')],
    // The broker is whichever pubsub folder daprd loads: both define the component `pubsub`.
    ['--resources-path', join(o.componentsDir, 'pubsub', o.broker)],
    ['--config', o.configFile],
    ['--placement-host-address', SIDECAR.placementHostAddress],
    ['--scheduler-host-address', SIDECAR.schedulerHostAddress],
    // daprd's app health check is off by leaving out --enable-app-health-check (SIDECAR.enableAppHealthCheck).
    ['--dapr-graceful-shutdown-seconds', String(SIDECAR.gracefulShutdownSeconds)],
    ['--log-level', o.logLevel ?? 'info'],
  ];
  return flags.flat();
}
