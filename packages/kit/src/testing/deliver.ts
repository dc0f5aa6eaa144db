// What daprd does to an app, for unit tests: POST a CloudEvent to the route of its topic, as the sidecar would.
import type { Server } from 'node:http';
import type { CloudEvent, EventContract } from '@lab/contracts';
import request from 'supertest';
import { eventRoute } from '../event-routes';
import { routeFor } from '../subscriptions';
import type { MemoryBus } from './memory';

/** An app under test: `app.callback()` (no port is opened). */
export type TestServer = Parameters<typeof request>[0] | Server;

export interface DeliverOptions {
  /** The app token daprd presents (`dapr-api-token`), when the app requires one. */
  appToken?: string;
}

/** One delivery of `event` on `contract`'s topic; the supertest request, so a test can `.expect(200)`. */
export function deliver(server: TestServer, contract: EventContract | string, event: object, o: DeliverOptions = {}) {
  const route = typeof contract === 'string' ? eventRoute(contract) : routeFor(contract);
  const req = request(server).post(route).set('Content-Type', 'application/cloudevents+json');
  if (o.appToken) req.set('dapr-api-token', o.appToken);
  return req.send(JSON.stringify(event));
}

/**
 * One bulk delivery of `events` on `contract`'s topic, in daprd's envelope (entry ids `e0`, `e1`, ...); the app
 * answers one status per entry.
 */
export function deliverBulk(
  server: TestServer,
  contract: EventContract,
  events: readonly object[],
  o: DeliverOptions = {},
) {
  const req = request(server).post(routeFor(contract)).set('Content-Type', 'application/json');
  if (o.appToken) req.set('dapr-api-token', o.appToken);
  return req.send({
    id: 'bulk-1',
    type: 'com.dapr.event.sent.bulk',
    topic: contract.topic,
    pubsubname: 'pubsub',
    metadata: {},
    entries: events.map((event, i) => ({
      entryId: `e${i}`,
      event,
      metadata: {},
      contentType: 'application/cloudevents+json',
    })),
  });
}

/**
 * What the sidecar does with what the app published on `contract`'s topic when the app subscribes to it too
 * (order its OrderCreated, user its UserRegistered): each event delivered back once, in order; each answer checked 2xx.
 */
export async function deliverPublished(
  server: TestServer,
  bus: MemoryBus,
  contract: EventContract,
): Promise<CloudEvent[]> {
  const events = bus.of(contract.topic);
  for (const e of events) {
    const res = await deliver(server, contract, e);
    if (res.status >= 300)
      throw new Error(`delivery of ${e.id} on ${contract.topic} answered ${res.status}: ${res.text}`);
  }
  return events;
}
