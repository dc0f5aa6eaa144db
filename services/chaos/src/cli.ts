// The chaos CLI against a cluster (kubeconfig): list, stop, start, kill, faults. Prints JSON.
import { readFileSync } from 'node:fs';
import { faultsForwarder } from './faults';
import { kubeBackend } from './kube';
import { parseCli } from './cli-args';
import { targetNamed, type Target } from './targets';

function catalogTargets(path: string): Target[] {
  const catalog = JSON.parse(readFileSync(path, 'utf8')) as { services: { name: string; port: number }[] };
  return catalog.services.map(s => ({ name: s.name, port: s.port }));
}

async function main(): Promise<void> {
  const cmd = parseCli(process.argv.slice(2), process.env);
  const targets = catalogTargets(cmd.catalog);
  let result: unknown;
  if (cmd.command === 'faults') {
    const adminToken = process.env.ADMIN_TOKEN;
    if (!adminToken) throw new Error('faults needs ADMIN_TOKEN in the environment');
    // One address (a port-forward reaches one pod): the in-cluster controller sets every replica.
    const forward = faultsForwarder({ adminToken, instances: t => [cmd.baseUrl ?? `http://127.0.0.1:${t.port}`] });
    result = (await forward(targetNamed(targets, cmd.service), cmd.faults)).body;
  } else {
    const backend = await kubeBackend({ namespace: cmd.namespace, targets, auth: 'default' });
    result =
      cmd.command === 'list'
        ? { services: await backend.list() }
        : await backend[cmd.command](targetNamed(targets, cmd.service).name);
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main().catch(err => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
