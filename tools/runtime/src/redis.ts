// A private redis-server for the lab: its own port, data folder, append-only file and password (so no other
// process on the host can read the streams or XADD a forged event).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManagedProcess } from './process';
import { redisCall } from './redis-client';
import { waitFor } from './wait';

export function redisProcess(
  port: number,
  runDir: string,
  password: string,
  onLine?: (l: string) => void,
): ManagedProcess {
  const dir = join(runDir, 'redis');
  // The password in a file only this user reads, never on a command line (ps shows every process's argv).
  const conf = join(dir, 'lab.conf');
  writeFileSync(conf, `requirepass ${password}\n`, { mode: 0o600 });
  return new ManagedProcess({
    name: 'redis',
    command: 'redis-server',
    args: [
      conf,
      '--bind',
      '127.0.0.1',
      '--port',
      String(port),
      '--dir',
      dir,
      // Persistence on, as a deployment would run it: a restart must not lose the streams.
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--save',
      '',
      '--protected-mode',
      'yes',
      '--daemonize',
      'no',
    ],
    env: process.env,
    cwd: dir,
    logFile: join(runDir, 'logs', 'redis.log'),
    ...(onLine ? { onLine } : {}),
  });
}

export async function waitForRedis(port: number, password: string, timeoutMs = 15000): Promise<void> {
  await waitFor(
    async () => ((await redisCall(port, ['PING'], password).catch(() => undefined)) === 'PONG' ? true : undefined),
    {
      timeoutMs,
      what: `redis on 127.0.0.1:${port} to answer PING`,
    },
  );
}

// Marks every delivery a consumer group still holds as idle for `idleMs`, so the group's next reader claims it
// again at once instead of after the component's processingTimeout. Only for a consumer known to be gone.
const RELEASE_PENDING = `local n = 0
for _, stream in ipairs(KEYS) do
  if redis.call('EXISTS', stream) == 1 then
    local ok, held = pcall(redis.call, 'XPENDING', stream, ARGV[1], '-', '+', 10000)
    if ok then
      for _, e in ipairs(held) do
        redis.call('XCLAIM', stream, ARGV[1], e[2], 0, e[1], 'IDLE', ARGV[2], 'JUSTID')
        n = n + 1
      end
    end
  end
end
return n`;

/** How many held deliveries of `group` on `streams` were released (see RELEASE_PENDING). */
export async function releasePending(
  redis: { port: number; password: string },
  streams: string[],
  group: string,
  idleMs: number,
): Promise<number> {
  if (streams.length === 0) return 0;
  const n = await redisCall<number>(
    redis.port,
    ['EVAL', RELEASE_PENDING, String(streams.length), ...streams, group, String(idleMs)],
    redis.password,
    5000,
  );
  return Number(n) || 0;
}

/** redis-cli reads its password from REDISCLI_AUTH (never `-a`, which shows it in argv). */
export const redisCliEnv = (password: string) => ({ REDISCLI_AUTH: password });

/** A delivery a consumer group has handed out and not had acknowledged (XPENDING), with the event it carries. */
export interface HeldDelivery {
  group: string;
  stream: string;
  consumer: string;
  idleMs: number;
  /** The CloudEvent id in the entry's `data` field (daprd's layout); undefined when it is not one. */
  eventId: string | undefined;
}

/**
 * What `group` holds on `streams` (at most 100 per stream), each with the event it carries: a delivery handed out
 * whose reply never reached its daprd (a restart mid-read) waits here for the component's processingTimeout.
 */
export async function heldDeliveries(
  redis: { port: number; password: string },
  streams: string[],
  group: string,
): Promise<HeldDelivery[]> {
  const held: HeldDelivery[] = [];
  for (const stream of streams) {
    const rows = await redisCall<[string, string, number, number][]>(
      redis.port,
      ['XPENDING', stream, group, '-', '+', '100'],
      redis.password,
      5000,
    ).catch(() => []); // no such stream or group yet: nothing held
    for (const [id, consumer, idle] of rows) {
      const entry = await redisCall<[string, string[]][]>(redis.port, ['XRANGE', stream, id, id], redis.password, 5000);
      const fields = entry[0]?.[1] ?? [];
      const data = fields[fields.indexOf('data') + 1];
      let eventId: string | undefined;
      try {
        eventId = data === undefined ? undefined : (JSON.parse(data) as { id?: string }).id;
      } catch {
        eventId = undefined;
      }
      held.push({ group, stream, consumer, idleMs: Number(idle), eventId });
    }
  }
  return held;
}
