// The in-cluster chaos controller: the HTTP API on the Kubernetes backend (chart: templates/chaos.yaml).
import { createLogger, runService } from '@lab/kit';
import { createChaosApp } from './app';
import { loadChaosConfig } from './config';
import { faultsForwarder } from './faults';
import { kubeBackend } from './kube';

async function main(): Promise<void> {
  const config = loadChaosConfig(process.env);
  const log = createLogger('chaos', config.logLevel);
  const backend = await kubeBackend({
    namespace: config.namespace,
    targets: config.targets,
    auth: 'cluster',
    ...(config.instance ? { instance: config.instance } : {}),
  });
  // Every ready pod of the service, by its address (the Service's address would reach one replica per call).
  const forwardFaults = faultsForwarder({ adminToken: config.adminToken, instances: t => backend.instances(t.name) });
  const app = createChaosApp({ backend, targets: config.targets, forwardFaults, chaosToken: config.chaosToken, log });
  await runService({ app, host: config.host, port: config.port, log });
}

main().catch(err => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
