import { createServer, type Server } from 'node:net';
import http from 'node:http';
import Koa from 'koa';
import request from 'supertest';
import { OrderCreated, buildEvent } from '@lab/contracts';
import { connectDapr, errorMiddleware, sidecarRequest, SidecarUnavailableError } from '../src';

/** A TCP server that accepts connections and never answers: a frozen sidecar. */
function silentServer(): Promise<{ port: number; server: Server }> {
  return new Promise(resolve => {
    const server = createServer(() => {});
    server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as { port: number }).port, server }));
  });
}

/** An HTTP server answering every request with `status` and `body`: a daprd whose component failed. */
function answering(status: number, body: string): Promise<{ port: number; server: http.Server }> {
  return new Promise(resolve => {
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(status, { 'content-type': 'application/json' }).end(body));
    });
    server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as { port: number }).port, server }));
  });
}

/** A port nothing listens on: a dead sidecar. */
async function deadPort(): Promise<number> {
  const { port, server } = await silentServer();
  await new Promise(r => server.close(r));
  return port;
}

const settings = (port: number) => ({
  daprHost: '127.0.0.1',
  daprHttpPort: port,
  daprApiToken: undefined,
  pubsubName: 'pubsub',
  stateStore: 'statestore',
  daprTimeoutMs: 200,
});

const event = () =>
  buildEvent(
    OrderCreated,
    {
      orderId: 'o-1',
      customerId: 'c-1',
      items: [{ sku: 'book', quantity: 1, unitPrice: 100 }],
      totalAmount: 100,
      createdAt: new Date().toISOString(),
    },
    { source: 'order' },
  );

describe('sidecarRequest(url, { timeoutMs, signal })', () => {
  it('rejects a call nobody answers once its deadline passed, outcome unknown', async () => {
    const { port, server } = await silentServer();
    const t0 = Date.now();
    const err = await sidecarRequest(`http://127.0.0.1:${port}/v1.0/healthz`, { timeoutMs: 150 }).catch(e => e);
    server.close();
    expect(err).toBeInstanceOf(SidecarUnavailableError);
    expect(err.outcome).toBe('unknown');
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('rejects a refused connection at once, outcome not-sent', async () => {
    const err = await sidecarRequest(`http://127.0.0.1:${await deadPort()}/`, { timeoutMs: 5000 }).catch(e => e);
    expect(err).toBeInstanceOf(SidecarUnavailableError);
    expect(err.outcome).toBe('not-sent');
  });

  it('abandons the call when its signal fires', async () => {
    const { port, server } = await silentServer();
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 20);
    const err = await sidecarRequest(`http://127.0.0.1:${port}/`, { timeoutMs: 5000, signal: ac.signal }).catch(e => e);
    server.close();
    expect(err).toBeInstanceOf(SidecarUnavailableError);
    expect(err.message).toMatch(/abandoned/);
  });
});

describe('connectDapr(settings): every call under a deadline', () => {
  it('a frozen sidecar: state get, save, bulk get and publish each fail within the deadline', async () => {
    const { port, server } = await silentServer();
    const dapr = connectDapr(settings(port));
    const t0 = Date.now();
    const results = await Promise.all([
      dapr.state.get('k').catch(e => e),
      dapr.state.put('k', 1).catch(e => e),
      dapr.state.getMany(['a', 'b']).catch(e => e),
      dapr.state.delete('k').catch(e => e),
      dapr.bus.publish(OrderCreated, event()).catch(e => e),
    ]);
    server.close();
    for (const r of results) expect(r).toBeInstanceOf(SidecarUnavailableError);
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it('a 5xx from daprd (its broker or store failed) is a SidecarUnavailableError; a 4xx is not', async () => {
    const failing = await answering(500, '{"errorCode":"ERR_PUBSUB_PUBLISH_MESSAGE","message":"broker down"}');
    const refusing = await answering(400, '{"errorCode":"ERR_MALFORMED_REQUEST","message":"bad"}');
    const five = await connectDapr(settings(failing.port))
      .bus.publish(OrderCreated, event())
      .catch(e => e);
    const four = await connectDapr(settings(refusing.port))
      .bus.publish(OrderCreated, event())
      .catch(e => e);
    failing.server.close();
    refusing.server.close();
    expect(five).toBeInstanceOf(SidecarUnavailableError);
    expect(four).toBeInstanceOf(Error);
    expect(four).not.toBeInstanceOf(SidecarUnavailableError);
  });
});

describe('errorMiddleware() and SidecarUnavailableError', () => {
  const app = (outcome: 'not-sent' | 'unknown') => {
    const a = new Koa();
    a.on('error', () => {});
    a.use(errorMiddleware());
    a.use(() => {
      throw new SidecarUnavailableError('no answer', outcome);
    });
    return a.callback();
  };

  it('answers 503 with Retry-After and a JSON body saying what the client can know', async () => {
    const unknown = await request(app('unknown')).get('/');
    expect(unknown.status).toBe(503);
    expect(unknown.headers['retry-after']).toBe('2');
    expect(unknown.body.error.code).toBe('sidecar_unavailable');
    expect(unknown.body.error.message).toMatch(/Idempotency-Key/);
    const notSent = await request(app('not-sent')).get('/');
    expect(notSent.status).toBe(503);
    expect(notSent.body.error.message).toMatch(/nothing was done/);
  });
});
