// The load generator's HTTP client: node:http on kept-alive sockets (the kit's sidecar client). fetch (undici)
// costs the generator enough CPU on 2 cores to show up in the p99 it measures; the direct baselines use lean
// clients too (RESP, kafkajs), so both sides of each ratio are measured with the same care.
import { sidecarRequest } from '@lab/kit';

export async function send(
  url: string,
  o: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; text: string }> {
  const { status, text } = await sidecarRequest(url, { ...o, timeoutMs: 30_000 });
  return { status, text };
}

export async function sendJson<T>(url: string, body?: unknown): Promise<{ status: number; body: T }> {
  const r = await send(url, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: r.status, body: (r.text ? JSON.parse(r.text) : undefined) as T };
}
