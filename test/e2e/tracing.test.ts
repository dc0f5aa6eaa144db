// Traces leave the sidecars: with LAB_ZIPKIN_ENDPOINT set, every daprd exports its spans, and one order's trace
// id shows up from each service that handled it. The collector here is a plain HTTP sink for Zipkin v2 JSON.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalSystem } from '@lab/runtime';
import { waitFor } from '@lab/runtime';
import { anOrder, http, startSystem, waitForOrderStatus } from './helpers';

let system: LocalSystem;
let sink: Server;
const spans: { traceId: string; localEndpoint?: { serviceName?: string } }[] = [];

beforeAll(async () => {
  sink = createServer((req, res) => {
    let body = '';
    req.on('data', d => (body += d));
    req.on('end', () => {
      try {
        spans.push(...(JSON.parse(body) as typeof spans));
      } catch {
        /* not a span batch */
      }
      res.writeHead(202).end();
    });
  });
  await new Promise<void>(r => sink.listen(0, '127.0.0.1', r));
  process.env.LAB_ZIPKIN_ENDPOINT = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/api/v2/spans`;
  system = await startSystem();
});

afterAll(async () => {
  delete process.env.LAB_ZIPKIN_ENDPOINT;
  await system?.stop();
  sink?.close();
});

describe('trace export', () => {
  it("the order's trace id arrives from the sidecars of every service on its path", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await http('POST', `${system.url('order')}/orders`, anOrder('c-zipkin'), {
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
    });
    await waitForOrderStatus(system.url('order'), res.body.orderId, 'SHIPPED');
    const wanted = ['order', 'payment', 'delivery', 'notification', 'audit'];
    await waitFor(
      async () => {
        const seen = new Set(spans.filter(s => s.traceId === traceId).map(s => s.localEndpoint?.serviceName));
        const missing = wanted.filter(w => !seen.has(w));
        if (missing.length === 0) return true;
        throw new Error(`no span yet from ${missing.join(', ')} (spans received: ${spans.length})`);
      },
      { timeoutMs: 30_000, what: 'spans of the trace from each service', intervalMs: 200 },
    );
  });
});
