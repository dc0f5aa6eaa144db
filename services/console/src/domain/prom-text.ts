// The few series the console reads, out of the Prometheus text format (version 0.0.4) a service's /metrics serves.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Samples whose name starts with one of `prefixes`; comments, other series and malformed lines are skipped. */
export function parseSamples(text: string, prefixes: readonly string[]): Sample[] {
  const out: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || !prefixes.some(p => line.startsWith(p))) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const value = Number(m[3] === '+Inf' ? Infinity : m[3]);
    if (Number.isNaN(value)) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL))
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
    out.push({ name: m[1]!, labels, value });
  }
  return out;
}

/** Sum of the samples of `name` per value of label `by`, only those `keep` accepts. */
export function sumBy(
  samples: readonly Sample[],
  name: string,
  by: string,
  keep: (labels: Record<string, string>) => boolean = () => true,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) {
    if (s.name !== name || !keep(s.labels)) continue;
    const k = s.labels[by] ?? '';
    out.set(k, (out.get(k) ?? 0) + s.value);
  }
  return out;
}
