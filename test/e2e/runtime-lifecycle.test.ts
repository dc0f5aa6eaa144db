// The run command itself: `lab-runtime up` reports a healthy system, and a signal leaves no process behind.
import { join } from 'node:path';
import { readCatalog, recordedPids, waitFor } from '@lab/runtime';
import { INFRA_PROCESSES } from './broker';
import { anOrder, E2E_OFFSET, E2E_RUN_DIR, http, startLabUp, waitForOrderStatus } from './helpers';

// A start takes 5-20 s here (on Kafka every consumer group must be Stable); a start that fails ends the wait at once.
const STARTUP_MS = 90_000;
const TEST_MS = 180_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.each(['SIGINT', 'SIGTERM'] as const)('lab-runtime up, stopped with %s', signal => {
  const offset = E2E_OFFSET;
  const runDir = E2E_RUN_DIR;

  it(
    'starts every service healthy, serves an order, then stops every process it started',
    async () => {
      const { child, output, exited } = await startLabUp(STARTUP_MS);
      try {
        expect(output()).toMatch(new RegExp(`order\\s+http://127.0.0.1:${3000 + offset}`));

        const order = `http://127.0.0.1:${3000 + offset}`;
        const res = await http('POST', `${order}/orders`, anOrder());
        expect(res.status).toBe(202);
        await waitForOrderStatus(order, res.body.orderId, 'SHIPPED');

        const pids = recordedPids(join(runDir, 'pids.json'));
        // redis (+ kafka when it is the broker) + an app and a sidecar for each service of the catalog (`./lab up`
        // runs them all, the live console included)
        expect(pids.length).toBe(INFRA_PROCESSES + 2 * readCatalog().length);
        expect(pids.every(alive)).toBe(true);

        child.kill(signal);
        expect(await exited).toBe(0);
        const leftovers = pids.filter(alive);
        expect(leftovers).toEqual([]);
      } finally {
        if (child.exitCode === null) {
          child.kill('SIGTERM');
          await Promise.race([exited, new Promise(r => setTimeout(r, 15_000))]);
          if (child.exitCode === null) child.kill('SIGKILL');
        }
      }
    },
    TEST_MS,
  );
});

describe('lab-runtime up, killed with SIGKILL', () => {
  it(
    'leaves no process behind either (the kernel signals each child when the runtime dies)',
    async () => {
      const { child, exited } = await startLabUp(STARTUP_MS);
      const pids = recordedPids(join(E2E_RUN_DIR, 'pids.json'));
      child.kill('SIGKILL');
      await exited;
      await waitFor(
        async () => {
          const left = pids.filter(alive);
          if (left.length === 0) return true;
          throw new Error(`alive: ${left.join(', ')}`);
        },
        { timeoutMs: 20_000, what: 'every child of the killed runtime to exit' },
      );
    },
    TEST_MS,
  );
});
