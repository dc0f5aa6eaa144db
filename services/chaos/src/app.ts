// The chaos HTTP API (also offered by the local runtime, so k6 scenarios run unchanged against both).
import type Koa from 'koa';
import { createHttpShell, NO_FAULTS, requestBody, type Logger } from '@lab/kit';
import type { ChaosBackend } from './backend';
import type { FaultsForwarder } from './faults';
import { parseFaults, targetNamed, type Target } from './targets';

export interface ChaosAppDeps {
  backend: ChaosBackend;
  targets: readonly Target[];
  forwardFaults: FaultsForwarder;
  /** Every /chaos route requires `Authorization: Bearer <chaosToken>`. */
  chaosToken: string;
  /** The kit's own /admin endpoints on this app (undefined: off). */
  adminToken?: string;
  log: Logger;
}

export function createChaosApp(deps: ChaosAppDeps): Koa {
  if (!deps.chaosToken) throw new Error('a chaos token is required');
  // The kit's guard checks /chaos (in any spelling: /CHAOS, //chaos, /%63haos) before routing, so an
  // unauthenticated caller learns nothing, not even which services exist.
  const shell = createHttpShell({
    config: { service: 'chaos', adminToken: deps.adminToken, appApiToken: undefined, faults: NO_FAULTS },
    log: deps.log,
    ready: () => deps.backend.ready(),
    guard: [{ prefix: 'chaos', credential: 'chaos' }],
    chaosToken: deps.chaosToken,
  });
  const { router } = shell;

  router.get('/chaos/services', async ctx => {
    ctx.body = { services: await deps.backend.list() };
  });
  for (const action of ['stop', 'start', 'kill'] as const) {
    router.post(`/chaos/services/:name/${action}`, async ctx => {
      const target = targetNamed(deps.targets, ctx.params.name ?? '');
      const result = await deps.backend[action](target.name);
      deps.log.warn({ chaos: action, service: target.name, changed: result.changed }, 'chaos action');
      ctx.body = result;
    });
  }
  router.put('/chaos/services/:name/faults', async ctx => {
    const target = targetNamed(deps.targets, ctx.params.name ?? '');
    const faults = parseFaults(requestBody(ctx));
    const answer = await deps.forwardFaults(target, faults);
    deps.log.warn({ chaos: 'faults', service: target.name, faults }, 'chaos faults set');
    ctx.body = { service: target.name, faults: answer.body ?? faults, instances: answer.instances };
  });

  return shell.finish();
}
