// releasePending against a real redis-server: what a stopped consumer held is claimable at once, nothing else moves.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import type { ManagedProcess } from '../src/process';
import { redisCliEnv, redisCommand, redisProcess, releasePending, waitForRedis } from '../src/redis';

const dir = mkdtempSync(join(tmpdir(), 'lab-redis-'));
let port = 0;
const PASSWORD = 'test-password';
let redis: ManagedProcess;

const cli = (...args: string[]) =>
  execFileSync('redis-cli', ['-p', String(port), ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...redisCliEnv(PASSWORD) },
  }).trim();
/** Idle time (ms) of each pending entry of `group` on `stream`, by entry id. */
const idle = (stream: string, group: string): Record<string, number> => {
  const lines = cli('--no-raw', 'XPENDING', stream, group, '-', '+', '100').split('\n');
  // redis-cli --no-raw prints each entry as 4 numbered lines: id, consumer, idle ms, deliveries.
  const out: Record<string, number> = {};
  for (let i = 0; i + 3 < lines.length; i += 4)
    out[lines[i]!.replace(/^.*"(.*)"$/, '$1')] = Number(lines[i + 2]!.replace(/^.*\) \(integer\) /, ''));
  return out;
};

beforeAll(async () => {
  port = await new Promise<number>(resolve => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  mkdirSync(join(dir, 'redis'), { recursive: true });
  mkdirSync(join(dir, 'logs'), { recursive: true });
  redis = redisProcess(port, dir, PASSWORD);
  redis.start();
  await waitForRedis(port, PASSWORD);
});

afterAll(async () => redis?.stop());

describe('the lab redis-server', () => {
  it('answers only a client that knows its password', async () => {
    expect(await redisCommand(port, 'PING')).toMatch(/^-NOAUTH/);
    expect(await redisCommand(port, 'PING', 'wrong')).toMatch(/^-WRONGPASS/);
    expect(await redisCommand(port, 'PING', PASSWORD)).toBe('+PONG');
  });
});

describe('releasePending(redis, streams, group, idleMs)', () => {
  it("marks every delivery the group holds as idle, on every stream, and leaves other groups' alone", async () => {
    for (const s of ['orders', 'payments']) {
      cli('XGROUP', 'CREATE', s, 'points', '$', 'MKSTREAM');
      cli('XGROUP', 'CREATE', s, 'audit', '$');
      for (let i = 0; i < 3; i++) cli('XADD', s, '*', 'data', `${s}-${i}`);
      cli('XREADGROUP', 'GROUP', 'points', 'daprd-1', 'COUNT', '10', 'STREAMS', s, '>');
      cli('XREADGROUP', 'GROUP', 'audit', 'daprd-2', 'COUNT', '10', 'STREAMS', s, '>');
    }
    // A stream that does not exist and one without this group are skipped, not errors.
    cli('XADD', 'signups', '*', 'data', 'x');
    const released = await releasePending(
      { port, password: PASSWORD },
      ['orders', 'payments', 'nope', 'signups'],
      'points',
      600_000,
    );
    expect(released).toBe(6);
    for (const s of ['orders', 'payments']) {
      const held = Object.values(idle(s, 'points'));
      expect(held).toHaveLength(3);
      for (const ms of held) expect(ms).toBeGreaterThanOrEqual(600_000);
      // Still pending (not acknowledged): the next reader of the group claims them, nothing is lost.
      const other = Object.values(idle(s, 'audit'));
      expect(other).toHaveLength(3);
      for (const ms of other) expect(ms).toBeLessThan(600_000);
    }
  });

  it('releases nothing for no streams or an empty group', async () => {
    expect(await releasePending({ port, password: PASSWORD }, [], 'points', 1000)).toBe(0);
    cli('XGROUP', 'CREATE', 'orders', 'stats', '$');
    expect(await releasePending({ port, password: PASSWORD }, ['orders'], 'stats', 1000)).toBe(0);
  });
});
