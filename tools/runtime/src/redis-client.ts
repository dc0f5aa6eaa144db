// The tooling's Redis client: node-redis (@redis/client), the maintained one, over RESP2 so replies are plain strings,
// numbers, nulls and arrays. The local runtime's readiness check and its release of a stopped consumer's deliveries
// (redis.ts), the topic counts and the benchmark's "straight to the broker" baseline use it. Services never talk to
// Redis: their sidecars do.
import { createClient } from '@redis/client';

export interface RedisConnection {
  /** One command; an error reply rejects (node-redis' ErrorReply). Commands sent in one tick are pipelined. */
  command<T = unknown>(...args: string[]): Promise<T>;
  close(): Promise<void>;
  /** Drops the connection at once: what it still owed is rejected. */
  destroy(): void;
}

/** Connects to the local Redis on `port`, authenticating when a password is given (a refused AUTH rejects). */
export async function redisConnection(
  port: number,
  password?: string,
  connectTimeoutMs = 5000,
): Promise<RedisConnection> {
  const client = createClient({
    RESP: 2,
    socket: { host: '127.0.0.1', port, connectTimeout: connectTimeoutMs, reconnectStrategy: false },
    ...(password ? { password } : {}),
  });
  // Errors reach the caller through the command that met them; without a listener node-redis would throw them.
  client.on('error', () => {});
  await client.connect();
  return {
    command: <T>(...args: string[]) => client.sendCommand<T>(args),
    close: () => client.close(),
    destroy: () => client.destroy(),
  };
}

/** One command on its own connection within `timeoutMs` (connecting included); rejects on an error reply. */
export async function redisCall<T = unknown>(
  port: number,
  args: string[],
  password?: string,
  timeoutMs = 1000,
): Promise<T> {
  let conn: RedisConnection | undefined;
  let timer: NodeJS.Timeout | undefined;
  let late = false;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      late = true;
      conn?.destroy();
      reject(new Error(`redis ${args[0]}: no answer in ${timeoutMs} ms`));
    }, timeoutMs);
  });
  const exchange = async () => {
    const c = await redisConnection(port, password, timeoutMs);
    // Connected after the deadline: nobody waits for the answer any more.
    if (late) c.destroy();
    conn = c;
    return c.command<T>(...args);
  };
  try {
    return await Promise.race([exchange(), deadline]);
  } finally {
    clearTimeout(timer);
    if (!late) await conn?.close().catch(() => conn?.destroy());
  }
}
