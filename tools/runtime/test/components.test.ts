// components/: the Redis pub/sub never claims a message again while its own daprd is still retrying it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { FIRST_ANNOUNCEMENT_MS } from '@lab/contracts';
import { REPO_ROOT } from '../src';

const read = (p: string) => parse(readFileSync(join(REPO_ROOT, 'components', p), 'utf8'));
const ms = (d: string) => {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(d);
  if (!m) throw new Error(`unreadable duration ${d}`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000 }[m[2] as 'ms' | 's' | 'm'];
};

/** Worst case of daprd's inbound retries: every attempt cut at the timeout, every wait at +50% jitter. */
function inboundBudgetMs(): number {
  const r = read('common/resiliency.yaml').spec;
  const inbound = r.targets.components.pubsub.inbound;
  const retry = r.policies.retries[inbound.retry];
  const timeout = ms(r.policies.timeouts[inbound.timeout]);
  expect(retry.policy).toBe('exponential');
  let wait = ms(retry.duration);
  let waits = 0;
  for (let i = 0; i < retry.maxRetries; i++) {
    waits += Math.min(wait, ms(retry.maxInterval)) * 1.5; // dapr: multiplier 1.5, randomization 0.5
    wait *= 1.5;
  }
  return (retry.maxRetries + 1) * timeout + waits;
}

describe('components/pubsub/redis (issue 13, class 3)', () => {
  it('claims a pending message again only after the whole inbound retry budget (no second delivery while daprd retries)', () => {
    const meta = new Map<string, string>(
      read('pubsub/redis/pubsub.yaml').spec.metadata.map((m: { name: string; value: string }) => [m.name, m.value]),
    );
    const budget = inboundBudgetMs();
    expect(budget).toBeGreaterThan(250_000); // 21 x 10 s + about 92 s
    expect(Number(meta.get('processingTimeout'))).toBeGreaterThan(budget);
  });
});

describe('the first-announcement horizon (issue 13, class 5)', () => {
  it('outlasts a delivery held by a crashed sidecar and then retried: a recent fact announced again goes to everyone', () => {
    const meta = new Map<string, string>(
      read('pubsub/redis/pubsub.yaml').spec.metadata.map((m: { name: string; value: string }) => [m.name, m.value]),
    );
    const held = Number(meta.get('processingTimeout'));
    expect(FIRST_ANNOUNCEMENT_MS).toBeGreaterThan(held + inboundBudgetMs());
  });
});
