// dapr.yaml, the Dapr CLI's multi-app run file, rendered from the catalog so the two cannot drift.
import { stringify } from 'yaml';
import { portsFor, type ServiceEntry } from './catalog';
import { SIDECAR } from './daprd-args';

export const RUN_FILE_HEADER = [
  '# Generated from services/catalog.json by `./lab gen`; a unit test fails when it drifts.',
  '# For Dapr CLI users: start Redis first, then run from the repository root (after ./lab provision):',
  '#   redis-server --port 6380 --appendonly yes &',
  '#   LAB_REDIS_HOST=127.0.0.1:6380 LAB_RUN_DIR=$PWD/.run dapr run -f dapr.yaml',
  '',
].join('\n');

export function renderRunFile(catalog: ServiceEntry[]): string {
  const doc = {
    version: 1,
    common: {
      resourcesPaths: ['./components/common', './components/pubsub/redis'],
      configFilePath: './components/config.yaml',
      placementHostAddress: SIDECAR.placementHostAddress,
      schedulerHostAddress: SIDECAR.schedulerHostAddress,
    },
    apps: catalog.map(s => {
      const p = portsFor(s);
      return {
        appID: s.name,
        appDirPath: `./services/${s.name}`,
        appPort: p.app,
        appProtocol: SIDECAR.appProtocol,
        daprHTTPPort: p.daprHttp,
        daprGRPCPort: p.daprGrpc,
        daprInternalGRPCPort: p.daprInternalGrpc,
        metricsPort: p.metrics,
        // Off, as in the local runtime: see SIDECAR in daprd-args.ts (Kafka subscriptions after a health flip).
        enableAppHealthCheck: SIDECAR.enableAppHealthCheck,
        command: ['node', 'dist/main.js'],
        // The app's own metrics listener (docs/observability.md), as the local runtime sets it.
        env: { METRICS_PORT: String(p.appMetrics) },
      };
    }),
  };
  return RUN_FILE_HEADER + stringify(doc);
}
