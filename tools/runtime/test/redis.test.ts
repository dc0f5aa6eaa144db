// releasePending against a real redis-server: what a stopped consumer held is claimable at once, nothing else moves.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import type { ManagedProcess } from '../src/process';
import { heldDeliveries, redisCliEnv, redisProcess, releasePending, waitForRedis } from '../src/redis';
import { redisCall, redisConnection } from '../src/redis-client';

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
    await expect(redisCall(port, ['PING'])).rejects.toThrow(/NOAUTH/);
    await expect(redisCall(port, ['PING'], 'wrong')).rejects.toThrow(/WRONGPASS/);
    expect(await redisCall(port, ['PING'], PASSWORD)).toBe('PONG');
  });

  it('one connection for many commands: pipelined replies in order, RESP2 shapes, an error reply rejects', async () => {
    const c = await redisConnection(port, PASSWORD);
    try {
      const [set, get, arr, missing] = await Promise.all([
        c.command('SET', 'resp:k', 'v\r\nwith a line break'),
        c.command('GET', 'resp:k'),
        c.command('XRANGE', 'resp:none', '-', '+'),
        c.command('GET', 'resp:missing'),
      ]);
      expect([set, get, arr, missing]).toEqual(['OK', 'v\r\nwith a line break', [], null]);
      await c.command('XADD', 'resp:s', '1-1', 'f', 'x');
      expect(await c.command('XRANGE', 'resp:s', '-', '+')).toEqual([['1-1', ['f', 'x']]]);
      expect(await c.command('XLEN', 'resp:s')).toBe(1);
      await expect(c.command('XADD', 'resp:k', '*', 'f', 'x')).rejects.toThrow(/WRONGTYPE/);
    } finally {
      await c.close();
    }
  });

  it('gives up on a server that does not answer within the deadline', async () => {
    const held: Socket[] = [];
    const silent = createServer(s => void held.push(s)).listen(0, '127.0.0.1');
    await new Promise(r => silent.once('listening', r));
    const p = (silent.address() as { port: number }).port;
    try {
      await expect(redisCall(p, ['PING'], undefined, 300)).rejects.toThrow(/no answer in 300 ms/);
    } finally {
      for (const s of held) s.destroy();
      await new Promise(r => silent.close(r));
    }
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

describe('heldDeliveries(redis, streams, group)', () => {
  it("lists what the group handed out and nobody acknowledged, with each entry's CloudEvent id", async () => {
    cli('XGROUP', 'CREATE', 'shipments', 'notification', '$', 'MKSTREAM');
    cli('XGROUP', 'CREATE', 'shipments', 'order', '$');
    cli('XADD', 'shipments', '*', 'data', JSON.stringify({ id: 'delivery-started-1', type: 'x' }));
    cli('XADD', 'shipments', '*', 'data', JSON.stringify({ id: 'delivery-started-2', type: 'x' }));
    cli('XADD', 'shipments', '*', 'data', 'not json');
    // notification's reader took all three and acknowledged the second; order's reader took none.
    const read = cli('XREADGROUP', 'GROUP', 'notification', 'daprd-n', 'COUNT', '10', 'STREAMS', 'shipments', '>');
    const ids = read.split('\n').filter(l => /^\d+-\d+$/.test(l));
    expect(ids).toHaveLength(3);
    cli('XACK', 'shipments', 'notification', ids[1]!);
    const held = await heldDeliveries({ port, password: PASSWORD }, ['shipments', 'nope'], 'notification');
    expect(held.map(h => [h.stream, h.consumer, h.eventId])).toEqual([
      ['shipments', 'daprd-n', 'delivery-started-1'],
      ['shipments', 'daprd-n', undefined],
    ]);
    for (const h of held) expect(h.idleMs).toBeGreaterThanOrEqual(0);
    expect(await heldDeliveries({ port, password: PASSWORD }, ['shipments'], 'order')).toEqual([]);
  });
});
