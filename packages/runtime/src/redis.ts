// A private redis-server for the lab: its own port, data folder and append-only file.
import { connect } from 'node:net';
import { join } from 'node:path';
import { ManagedProcess } from './process';
import { waitFor } from './wait';

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
