// console's HTTP API: the page and its script (open), and everything the page asks for under /admin (the admin
// token): the live board as Server-Sent Events, orders and loads, the dead-letter desk, the chaos actions.
import { z } from 'zod';
import { Id } from './events';
import { defineApi, type HttpOperation } from './http';

export const ConsoleFlow = z.enum(['event', 'sync']);

/** POST /admin/orders: one order through either flow (the event flow by default). */
export const ConsolePlaceRequest = z.strictObject({ flow: ConsoleFlow.default('event') });

/** What order answered the console, and how long it took. */
export const ConsolePlaced = z.strictObject({
  flow: ConsoleFlow,
  status: z.number().int().describe("order's HTTP status (0: no answer)"),
  ms: z.number().nonnegative(),
  orderId: Id.optional(),
  error: z.string().optional(),
});

/** POST /admin/load: `count` orders of each flow, side by side. */
export const ConsoleLoadRequest = z.strictObject({ count: z.number().int().min(1).max(100).default(20) });

export const ConsoleFlowSummary = z.strictObject({
  sent: z.number().int(),
  accepted: z.number().int(),
  failed: z.number().int(),
  p50Ms: z.number(),
  p95Ms: z.number(),
  maxMs: z.number(),
  errors: z.record(z.string(), z.number().int()).describe('failed answers by status'),
});
export const ConsoleLoadResult = z.strictObject({ event: ConsoleFlowSummary, sync: ConsoleFlowSummary });

/** GET /admin/board: the same snapshot the stream pushes (topology, rates, backlogs, latest orders). */
export const ConsoleBoard = z.looseObject({
  at: z.string(),
  topology: z.looseObject({}),
  services: z.array(z.looseObject({ name: z.string(), up: z.boolean() })),
  edges: z.array(z.looseObject({ from: z.string(), to: z.string(), perSecond: z.number() })),
  subscribers: z.array(z.looseObject({ service: z.string(), backlog: z.number() })),
  orders: z.array(z.looseObject({ orderId: z.string(), status: z.string() })),
});

/** What audit's desk or the chaos API answered, passed through. */
export const ConsolePassThrough = z.looseObject({});

export const ConsoleFaults = z.strictObject({ latencyMs: z.number().int().min(0).max(60_000) });

const service = { in: 'path', name: 'service', schema: Id, description: 'a service of the catalog' } as const;
const upstream = { 502: ['downstream_failed'], 503: ['downstream_unreachable'] } as const;
const page = (path: string, summary: string): HttpOperation => ({
  id: `page${path.replace(/[^a-z]/g, '') || 'Index'}`,
  method: 'get',
  path,
  summary,
  answers: { 200: { description: summary } },
});

export const consoleApi = defineApi({
  service: 'console',
  title: 'console',
  version: '1.0.0',
  description:
    'The live console: a subscriber to every business fact, added without changing any publisher. The page is ' +
    'open; everything it asks for is under /admin and needs the admin token, which the page reads from its URL ' +
    'fragment (#token=...), never from a query string.',
  schemas: {
    Id,
    ConsoleFlow,
    ConsolePlaceRequest,
    ConsolePlaced,
    ConsoleLoadRequest,
    ConsoleFlowSummary,
    ConsoleLoadResult,
    ConsoleBoard,
    ConsolePassThrough,
    ConsoleFaults,
  },
  operations: [
    page('/', 'The console page (HTML)'),
    page('/console.js', 'The page script'),
    page('/console.css', 'The page style'),
    {
      id: 'consoleStream',
      method: 'get',
      path: '/admin/stream',
      summary: 'The board, pushed as Server-Sent Events (text/event-stream, event `board`, about once a second)',
      admin: true,
      answers: { 200: { description: 'an event stream' } },
      errors: { 503: ['sidecar_unavailable'] },
    },
    {
      id: 'consoleBoard',
      method: 'get',
      path: '/admin/board',
      summary: 'The board now',
      admin: true,
      answers: { 200: { description: 'the snapshot', body: ConsoleBoard } },
    },
    {
      id: 'consolePlace',
      method: 'post',
      path: '/admin/orders',
      summary: 'Place one order through the event flow or the synchronous chain',
      admin: true,
      body: ConsolePlaceRequest,
      bodyRequired: false,
      answers: { 200: { description: "order's answer and its time", body: ConsolePlaced } },
      errors: { 400: ['validation_failed'] },
    },
    {
      id: 'consoleLoad',
      method: 'post',
      path: '/admin/load',
      summary: 'Place `count` orders of each flow side by side; latency and failures per flow',
      admin: true,
      body: ConsoleLoadRequest,
      bodyRequired: false,
      answers: { 200: { description: 'per flow', body: ConsoleLoadResult } },
      errors: { 400: ['validation_failed'] },
    },
    {
      id: 'consoleDeadLetters',
      method: 'get',
      path: '/admin/dead-letters',
      summary: "The dead-letter desk (audit's)",
      admin: true,
      answers: { 200: { description: 'what audit answered', body: ConsolePassThrough } },
      errors: upstream,
    },
    {
      id: 'consoleReplay',
      method: 'post',
      path: '/admin/dead-letters/{id}/replay',
      summary: 'Replay a dead letter to its topic',
      admin: true,
      params: [{ in: 'path', name: 'id', schema: Id, description: 'the dead letter' }],
      answers: { 200: { description: 'what audit answered', body: ConsolePassThrough } },
      errors: { 400: ['validation_failed'], 404: ['not_found'], ...upstream },
    },
    {
      id: 'consoleChaos',
      method: 'post',
      path: '/admin/chaos/{service}/{action}',
      summary: 'stop, start or kill a service (the chaos API)',
      admin: true,
      params: [service, { in: 'path', name: 'action', schema: Id, description: 'stop, start or kill' }],
      answers: { 200: { description: 'what the chaos API answered', body: ConsolePassThrough } },
      errors: { 400: ['validation_failed'], 404: ['not_found'], ...upstream },
    },
    {
      id: 'consoleLatency',
      method: 'put',
      path: '/admin/chaos/{service}/faults',
      summary: "Set a service's added latency (0 clears it)",
      admin: true,
      params: [service],
      body: ConsoleFaults,
      answers: { 200: { description: 'what the chaos API answered', body: ConsolePassThrough } },
      errors: { 400: ['validation_failed'], 404: ['not_found'], ...upstream },
    },
  ],
});
