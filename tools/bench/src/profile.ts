// Where an app's CPU goes: every app runs with V8's sampling profiler (--cpu-prof) through one load step, and the
// samples taken during that step (the profile clock and hrtime are both CLOCK_MONOTONIC) are summed by kind of code.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string } }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileShare {
  kind: string;
  ms: number;
  share: number;
}

/** Kinds of code, first match wins; the url is the script's (node:..., file://.../node_modules/...). */
const KINDS: [string, (url: string, fn: string) => boolean][] = [
  ['garbage collection', (_u, fn) => fn === '(garbage collector)'],
  [
    'module loading (lazy requires)',
    (u, fn) => /modules\/(cjs|esm)|bootstrap\/realm/.test(u) || ['readFileUtf8', 'internalModuleStat'].includes(fn),
  ],
  [
    'Dapr SDK (@dapr/dapr, node-fetch, gRPC)',
    u => /node_modules\/(@dapr|node-fetch|@grpc|@bufbuild|@js-temporal)/.test(u),
  ],
  ['schema validation (zod)', u => u.includes('node_modules/zod')],
  ['Koa and its router', u => /node_modules\/(koa|@koa|koa-compose)/.test(u)],
  ['logging (pino)', u => /node_modules\/(pino|sonic-boom|thread-stream)/.test(u)],
  ['other packages', u => u.includes('node_modules/')],
  ['this project (services, kit, contracts)', u => /\/(services|packages)\//.test(u)],
  [
    'HTTP, sockets and fetch (Node core)',
    (u, fn) =>
      /node:(_http|net|internal\/(stream|http|net|deps\/undici|dns|url))|node:url|node:events/.test(u) ||
      ['writev', 'writeUtf8String', 'writeLatin1String', 'writeBuffer', 'onStreamRead'].includes(fn),
  ],
  ['other Node internals', u => u.startsWith('node:')],
  ['native and runtime (JSON, microtasks, ...)', () => true],
];

/** Sums self time of every sample in [fromUs, toUs] across the profiles in `dir`, by kind. */
export function summarizeProfiles(dir: string, fromUs: number, toUs: number): ProfileShare[] {
  const byKind = new Map<string, number>();
  for (const file of readdirSync(dir).filter(f => f.endsWith('.cpuprofile'))) {
    const p = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const kindOf = new Map<number, string | undefined>();
    for (const n of p.nodes) {
      const { functionName: fn, url } = n.callFrame;
      kindOf.set(n.id, fn === '(idle)' || fn === '(program)' ? undefined : KINDS.find(([, is]) => is(url, fn))![0]);
    }
    let t = p.startTime;
    for (let i = 0; i < p.samples.length; i++) {
      const dt = p.timeDeltas[i] ?? 0;
      t += dt;
      if (t < fromUs || t > toUs) continue;
      const kind = kindOf.get(p.samples[i]!);
      if (kind) byKind.set(kind, (byKind.get(kind) ?? 0) + dt);
    }
  }
  const total = [...byKind.values()].reduce((a, b) => a + b, 0);
  return [...byKind]
    .map(([kind, us]) => ({ kind, ms: Math.round(us / 1000), share: total ? us / total : 0 }))
    .sort((a, b) => b.ms - a.ms);
}
