// A minimal Redis client (RESP2, one connection, pipelined): the "straight to the broker" baseline of the benchmark.
import { connect, type Socket } from 'node:net';

type Reply = string | number | null | Reply[] | Error;

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
  private readonly waiting: Array<(r: Reply) => void> = [];
  private constructor(private readonly sock: Socket) {
    sock.on('data', d => {
      this.buf = Buffer.concat([this.buf, d]);
      for (;;) {
        const r = parse(this.buf, 0);
        if (!r) break;
        this.buf = this.buf.subarray(r[1]);
        this.waiting.shift()?.(r[0]);
      }
    });
  }

  /** Connects and, given the server's password, authenticates first (rejects when it is refused). */
  static async open(port: number, password?: string): Promise<RespClient> {
    const client = await new Promise<RespClient>((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port }, () => resolve(new RespClient(s)));
      s.once('error', reject);
    });
    if (password) {
      const ok = await client.command('AUTH', password);
      if (ok !== 'OK') {
        client.close();
        throw new Error(`redis on ${port} refused AUTH: ${String(ok)}`);
      }
    }
    return client;
  }

  command(...args: string[]): Promise<Reply> {
    const parts = args.map(a => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('');
    return new Promise(resolve => {
      this.waiting.push(resolve);
      this.sock.write(`*${args.length}\r\n${parts}`);
    });
  }

  close(): void {
    this.sock.end();
  }
}
