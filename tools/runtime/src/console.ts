// Log lines for the console: one colour and a fixed-width prefix per process; JSON logs made readable.
const COLOURS = [36, 33, 35, 32, 34, 31, 96, 93, 95, 92];
const PINO_LEVELS: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

export function prefixer(names: string[]) {
  const width = Math.max(...names.map(n => n.length), 5) + 6;
  const colour = new Map(names.map((n, i) => [n, COLOURS[i % COLOURS.length]]));
  return (name: string, sidecar = false) => {
    const label = (sidecar ? `${name}:dapr` : name).padEnd(width);
    const c = colour.get(name) ?? 37;
    return `\x1b[${c}m${label}│\x1b[0m `;
  };
}

/** Pino JSON -> "info  order placed orderId=…"; anything else unchanged. */
export function formatAppLine(line: string): string {
  if (!line.startsWith('{')) return line;
  try {
    const {
      level,
      msg,
      time: _t,
      service: _s,
      pid: _p,
      hostname: _h,
      ...rest
    } = JSON.parse(line) as Record<string, unknown>;
    const fields = Object.entries(rest)
      .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
      .join(' ');
    return `${(PINO_LEVELS[level as number] ?? String(level)).padEnd(5)} ${String(msg)} ${fields}`.trimEnd();
  } catch {
    return line;
  }
}

/** daprd logs at info are chatty; the console shows its warnings and errors (all of it is in .run/logs). */
const BENIGN = [/mTLS is disabled/, /increasedCardinality/, /Actor runtime disabled/, /Scheduler disabled/];
export const sidecarLineWorthShowing = (line: string) =>
  /level=(warning|error|fatal)/.test(line) && !BENIGN.some(re => re.test(line));

/** Redis notices ("*") are routine; warnings ("#") are shown. */
export const redisLineWorthShowing = (line: string) => / # /.test(line) && !/overcommit/.test(line);
