// The tooling's one Redis client (RESP2, one connection, pipelined): the local runtime's readiness check and its
// release of a stopped consumer's deliveries (redis.ts), the topic counts, and the benchmark's "straight to the
// broker" baseline. Services never talk to Redis: their sidecars do.
import { connect, type Socket } from 'node:net';

/** A parsed reply; a Redis error reply is an Error value (an answer, not a failure of the connection). */
export type Reply = string | number | null | Reply[] | Error;

/** Parses one reply from `buf` at `pos`; returns it and the next position, or undefined when incomplete. */
function parse(buf: Buffer, pos: number): [Reply, number] | undefined {
  const nl = buf.indexOf('\r\n', pos);
  if (nl < 0) return undefined;
  const line = buf.toString('utf8', pos + 1, nl);
  const next = nl + 2;
  switch (String.fromCharCode(buf[pos]!)) {
    case '+':
      return [line, next];
    case '-':
      return [new Error(line), next];
    case ':':
      return [Number(line), next];
    case '$': {
      const len = Number(line);
      if (len < 0) return [null, next];
      if (buf.length < next + len + 2) return undefined;
      return [buf.toString('utf8', next, next + len), next + len + 2];
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return [null, next];
      const items: Reply[] = [];
      let p = next;
      for (let i = 0; i < n; i++) {
        const r = parse(buf, p);
        if (!r) return undefined;
        items.push(r[0]);
        p = r[1];
      }
      return [items, p];
    }
    default:
      throw new Error(`unexpected RESP byte at ${pos}`);
  }
}

export class RespClient {
  private buf = Buffer.alloc(0);
  private readonly waiting: Array<{ resolve: (r: Reply) => void; reject: (e: Error) => void }> = [];
  private constructor(private readonly sock: Socket) {
    sock.on('data', d => {
      this.buf = Buffer.concat([this.buf, d]);
      for (;;) {
        const r = parse(this.buf, 0);
        if (!r) break;
        this.buf = this.buf.subarray(r[1]);
        this.waiting.shift()?.resolve(r[0]);
      }
    });
    // A connection that goes away fails what it still owed, rather than leaving it pending for ever.
    const fail = (err?: Error) => {
      for (const w of this.waiting.splice(0)) w.reject(err ?? new Error('redis closed the connection'));
    };
    sock.on('error', fail);
    sock.on('close', () => fail());
  }

  /** Connects and, given the server's password, authenticates first (rejects when it is refused). */
  static async open(port: number, password?: string): Promise<RespClient> {
    const client = await RespClient.connect(port);
    if (password) {
      const ok = await client.command('AUTH', password);
      if (ok !== 'OK') {
        client.close();
        throw new Error(`redis on ${port} refused AUTH: ${ok instanceof Error ? ok.message : String(ok)}`);
      }
    }
    return client;
  }

  private static connect(port: number): Promise<RespClient> {
    return new Promise<RespClient>((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port }, () => {
        s.off('error', reject);
        resolve(new RespClient(s));
      });
      s.once('error', reject);
    });
  }

  command(...args: string[]): Promise<Reply> {
    const parts = args.map(a => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('');
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.sock.write(`*${args.length}\r\n${parts}`);
    });
  }

  close(): void {
    this.sock.end();
  }

  destroy(): void {
    this.sock.destroy();
  }

  /**
   * One command on its own connection, after AUTH when a password is given, within `timeoutMs`. A refused AUTH is
   * the answer (an Error reply), and the command is then not sent.
   */
  static async call(port: number, args: string[], password?: string, timeoutMs = 1000): Promise<Reply> {
    let client: RespClient | undefined;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        client?.destroy();
        reject(new Error(`redis ${args[0]}: no answer in ${timeoutMs} ms`));
      }, timeoutMs);
    });
    const exchange = async () => {
      client = await RespClient.connect(port);
      if (password) {
        const auth = await client.command('AUTH', password);
        if (auth instanceof Error) return auth;
      }
      return client.command(...args);
    };
    try {
      return await Promise.race([exchange(), deadline]);
    } finally {
      clearTimeout(timer);
      client?.close();
    }
  }
}
