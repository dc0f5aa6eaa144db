// The chaos API of the local runtime: the same HTTP API as the in-cluster chaos controller, over local processes.
import type { Server } from 'node:http';
import { createChaosApp, faultsForwarder, type ActionResult, type ChaosBackend } from '@lab/chaos';
import { silentLogger, type Logger } from '@lab/kit';
import type { LocalSystem } from './system';

/**
 * Local semantics: `stop` stops the app and its sidecar and keeps them down (the supervisor leaves them alone) until
 * `start`; `kill` is kill -9 of both, and the supervisor restarts them as it restarts any crashed process (like a
 * pod deleted and recreated by its Deployment); the answer comes once the service is healthy again.
 */
export function localBackend(system: LocalSystem): ChaosBackend {
  const running = (name: string) => {
    const s = system.service(name);
    return s.app.running && s.sidecar.running;
  };
  const act = async (name: string, action: ActionResult['action'], run: () => Promise<void>, when: boolean) => {
    if (when) await run();
    return { service: name, action, changed: when };
  };
  return {
    async list() {
      return [...system.services.keys()].map(name => ({ name, running: running(name) }));
    },
    stop: name => act(name, 'stop', () => system.stopService(name), running(name)),
    start: name => act(name, 'start', () => system.startService(name), !running(name)),
    kill: name =>
      act(
        name,
        'kill',
        async () => {
          // A service kept down by `stop` has nothing to kill: start it, as a recreated pod would be.
          if (!running(name)) await system.startService(name);
          else await system.crashService(name);
        },
        true,
      ),
    // The fault knobs are per process: every instance of the service takes them.
    async instances(name) {
      return system.instances(name).map(i => i.url);
    },
    async ready() {
      return true;
    },
  };
}

export function startChaosServer(
  system: LocalSystem,
  opts: { port: number; token: string; log?: Logger },
): Promise<Server> {
  const targets = [...system.services.values()].map(s => ({ name: s.entry.name, port: s.ports.app }));
  const backend = localBackend(system);
  const app = createChaosApp({
    backend,
    targets,
    chaosToken: opts.token,
    forwardFaults: faultsForwarder({ adminToken: system.adminToken, instances: t => backend.instances(t.name) }),
    log: opts.log ?? silentLogger(),
  });
  return new Promise((resolve, reject) => {
    const server = app.listen(opts.port, '127.0.0.1');
    server.once('error', reject);
    server.once('listening', () => resolve(server));
  });
}
