// A private redis-server for the lab: its own port, data folder and append-only file.
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { ManagedProcess } from './process';
import { waitFor } from './wait';

const execFileAsync = promisify(execFile);

/** Sends one inline command and resolves the first reply line. */
export function redisCommand(port: number, command: string, timeoutMs = 1000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: '127.0.0.1', port });
    let buf = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`redis ${command}: no answer in ${timeoutMs} ms`));
    }, timeoutMs);
    sock.once('error', err => {
      clearTimeout(timer);
      reject(err);
    });
    sock.on('data', d => {
      buf += d.toString();
      const nl = buf.indexOf('\r\n');
      if (nl >= 0) {
        clearTimeout(timer);
        sock.end();
        resolve(buf.slice(0, nl));
      }
    });
    sock.write(`${command}\r\n`);
  });
}

export function redisProcess(port: number, runDir: string, onLine?: (l: string) => void): ManagedProcess {
  const dir = join(runDir, 'redis');
  return new ManagedProcess({
    name: 'redis',
    command: 'redis-server',
    args: [
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

export async function waitForRedis(port: number, timeoutMs = 15000): Promise<void> {
  await waitFor(async () => ((await redisCommand(port, 'PING')) === '+PONG' ? true : undefined), {
    timeoutMs,
    what: `redis on 127.0.0.1:${port} to answer PING`,
  });
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
export async function releasePending(port: number, streams: string[], group: string, idleMs: number): Promise<number> {
  if (streams.length === 0) return 0;
  const { stdout } = await execFileAsync(
    'redis-cli',
    ['-p', String(port), 'EVAL', RELEASE_PENDING, String(streams.length), ...streams, group, String(idleMs)],
    { timeout: 5000 },
  );
  return Number(stdout.trim()) || 0;
}
