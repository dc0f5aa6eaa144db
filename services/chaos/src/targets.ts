// The services the controller may touch, and the validation of what a request names or asks for.
import { z } from 'zod';
import { FaultSettings, HttpError, notFound, validate } from '@lab/kit';

export interface Target {
  name: string;
  /** The app port, where the service's own /admin/faults answers. */
  port: number;
  /** The replica count the chart declared (what `start` restores when it remembers none). */
  replicas?: number;
}

const TargetList = z
  .array(
    z.object({
      name: z.string().regex(/^[a-z][a-z0-9-]*$/),
      port: z.number().int().min(1).max(65535),
      replicas: z.number().int().min(0).max(1000).optional(),
    }),
  )
  .min(1);

/** CHAOS_SERVICES as the chart renders it: [{"name":"order","port":3000}, ...]. */
export function parseTargets(json: string): Target[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new Error('CHAOS_SERVICES is not JSON');
  }
  const parsed = TargetList.safeParse(raw);
  if (!parsed.success) throw new Error(`CHAOS_SERVICES is invalid: ${parsed.error.issues[0]?.message ?? 'bad list'}`);
  return parsed.data;
}

/** The target a route names; 404 for anything else, so the controller never acts outside its list. */
export function targetNamed(targets: readonly Target[], name: string): Target {
  const t = targets.find(x => x.name === name);
  if (!t) throw notFound(`service "${name}"`);
  return t;
}

/**
 * A faults body, checked with the services' own schema (@lab/kit FaultSettings) so the controller refuses what
 * the service would refuse, before any call. A knob left out is reset to 0 by the service: a PUT replaces them all.
 */
export type Faults = z.input<typeof FaultSettings>;

export function parseFaults(body: unknown): Faults {
  if (body === undefined) throw new HttpError(400, 'validation_failed', 'send a JSON body with the faults to set');
  validate(FaultSettings, body, 'faults');
  return body as Faults;
}
