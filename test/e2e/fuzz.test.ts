// schemathesis (a schema-driven fuzzer) against the live system: each public service's own OpenAPI document, served
// at GET /openapi.json, drives a bounded run of every check over its public and admin routes. No 5xx, every answer as
// declared, and every order and sign-up accepted meanwhile converges (the verifier).
import { join } from 'node:path';
import { httpApis } from '@lab/contracts';
import { NO_FAULTS } from '@lab/kit';
import type { LocalSystem } from '@lab/runtime';
import { http, startSystem, verifySystem } from './helpers';
import { runSchemathesis, summary, type SchemathesisRun } from './schemathesis';

/** Test cases per operation and phase; the long run (docs/guarantees.md section 4) asks for more. */
const EXAMPLES = Number(process.env.LAB_FUZZ_EXAMPLES ?? 100);
/** Each run of schemathesis is killed past this. */
const DEADLINE_MS = Number(process.env.LAB_FUZZ_DEADLINE_S ?? 90 + EXAMPLES * 6) * 1000;
/**
 * The fault knobs would slow and fail every other operation, and drop events still in flight: PUT /admin/faults is
 * fuzzed alone, once the verifier has seen everything converge, then cleared.
 */
const SET_FAULTS = 'setFaults';
/** Response conformance: status, content type, headers and body against the document (ST101 is a 5xx). */
const CONFORMANCE = /^ST1(0[3-9]|1[01])$/;

let system: LocalSystem;
let startedAt: Date;
const runs = new Map<string, SchemathesisRun>();
/**
 * The console's routes drive the others (orders, loads, chaos actions, replays): fuzzed, it would stop services
 * under the other runs. Its own routes and refusals are tested by services/console/test and test/e2e/console.test.ts.
 */
const fuzzed = httpApis.filter(a => a.service !== 'console');

beforeAll(async () => {
  system = await startSystem();
  startedAt = new Date();
});

afterAll(async () => {
  await system?.stop();
});

async function fuzz(service: string, name: string, args: string[]): Promise<SchemathesisRun> {
  const run = await runSchemathesis({
    documentUrl: `${system.url(service)}/openapi.json`,
    adminToken: system.adminToken,
    dir: join(system.runDir, 'schemathesis', name),
    examples: EXAMPLES,
    deadlineMs: DEADLINE_MS,
    args,
  });
  process.stdout.write(summary(name, run) + '\n');
  return run;
}

/** Exit 0, no 5xx answer, no answer off its declared schema; each failure named with schemathesis's own account. */
function expectClean(name: string, run: SchemathesisRun) {
  const serverErrors = run.requests
    .filter(r => r.response.status >= 500)
    .map(r => `${r.request.method} ${r.request.url} -> ${r.response.status} ${r.response.content.text?.slice(0, 300)}`);
  const offSchema = run.report.failures
    .filter(f => CONFORMANCE.test(f.code))
    .map(f => `${f.code} ${f.title} (${f.count}): ${f.operations.join(', ')}`);
  // What it printed is shown only when it exited otherwise than 0 with nothing else to say why.
  const output = run.exitCode === 0 ? '' : run.output;
  const seen = {
    name,
    seed: run.report.seed,
    exitCode: run.exitCode,
    serverErrors,
    offSchema,
    failures: run.failures,
    errors: run.errors,
    output,
  };
  expect(seen).toEqual({ ...seen, exitCode: 0, serverErrors: [], offSchema: [], failures: [], errors: [], output: '' });
}

/** The ids the successful POSTs to `path` answered with, from the requests a run made. */
const created = (service: string, path: string, key: string) =>
  (runs.get(service)?.requests ?? [])
    .filter(r => r.request.method === 'POST' && new URL(r.request.url).pathname === path)
    .filter(r => r.response.status === 201 || r.response.status === 202)
    .map(r => (JSON.parse(r.response.content.text ?? '{}') as Record<string, string>)[key]!);

describe('schemathesis against the live system', () => {
  for (const { service } of fuzzed) {
    it(
      `${service}: every check over its public and admin routes (PUT /admin/faults aside), no 5xx, every answer as declared`,
      async () => {
        const run = await fuzz(service, service, ['--exclude-operation-id', SET_FAULTS]);
        runs.set(service, run);
        expectClean(service, run);
      },
      DEADLINE_MS + 30_000,
    );
  }

  it('every order and sign-up accepted while fuzzing converges: nothing lost, no effect doubled, no dead letter', async () => {
    const auth = { authorization: `Bearer ${system.adminToken}` };
    const q = `from=${startedAt.toISOString()}&to=${new Date().toISOString()}`;
    const listed = await http('GET', `${system.url('order')}/admin/orders?${q}`, undefined, auth);
    expect(listed.status).toBe(200);
    const orderIds = listed.body.orderIds as string[];
    // Every order schemathesis saw accepted is in order's index, which is what the verifier is given.
    const accepted = new Set(created('order', '/orders', 'orderId'));
    expect(accepted.size).toBeGreaterThan(0);
    expect([...accepted].filter(id => !orderIds.includes(id))).toEqual([]);
    const userIds = [...new Set(created('user', '/users', 'userId'))];
    const report = await verifySystem(system, 'fuzz', { orderIds, userIds, expectedDeadLetters: 0, boundMs: 60_000 });
    expect(report.problems).toEqual([]);
    expect(report.orders.lost).toBe(0);
    expect(report.duplicatedEffects).toBe(0);
  }, 180_000);

  it(
    'PUT /admin/faults on each, alone and last; the knobs are then cleared',
    async () => {
      const auth = { authorization: `Bearer ${system.adminToken}` };
      for (const { service } of fuzzed) {
        expectClean(
          `${service}-faults`,
          await fuzz(service, `${service}-faults`, ['--include-operation-id', SET_FAULTS]),
        );
        expect((await http('PUT', `${system.url(service)}/admin/faults`, {}, auth)).body).toEqual(NO_FAULTS);
      }
    },
    2 * DEADLINE_MS + 30_000,
  );
});
