// The lever benchmark's pure parts: Prometheus text summed by metric and labels, per order; its block of docs/performance.md.
import { addHops, hopsPerOrder, sumSamples, type Hops } from '../src/hops';
import {
  chooseLevers,
  costTable,
  LEVERS,
  leversBlock,
  leversBlockOf,
  replaceLeversBlock,
  type LeverResult,
} from '../src/levers';

const text = [
  '# HELP dapr_component_state_count x',
  '# TYPE dapr_component_state_count counter',
  'dapr_component_state_count{app_id="order",component="statestore",operation="get",success="true"} 10',
  'dapr_component_state_count{app_id="order",component="statestore",operation="get",success="false"} 2',
  'dapr_component_state_count{app_id="order",component="statestore",operation="set",success="true"} 7',
  'dapr_component_state_count_extra{operation="get"} 100',
  'eda_events_handled_total{service="order",topic="a",outcome="success"} 3',
  'eda_events_handled_total 4',
].join('\n');

describe('sumSamples', () => {
  it('sums every sample of one metric whose labels include the ones asked for, and only that metric', () => {
    expect(sumSamples(text, 'dapr_component_state_count', { operation: 'get' })).toBe(12);
    expect(sumSamples(text, 'dapr_component_state_count', { operation: 'get', success: 'true' })).toBe(10);
    expect(sumSamples(text, 'dapr_component_state_count')).toBe(19);
    expect(sumSamples(text, 'eda_events_handled_total')).toBe(7);
    expect(sumSamples(text, 'dapr_component_state_count', { operation: 'delete' })).toBe(0);
    expect(sumSamples('', 'dapr_component_state_count')).toBe(0);
  });
});

/** Every hop kind at 0: the base of the hand-made counts below. */
const zero: Hops = {
  'state get': 0,
  'state set': 0,
  'state other': 0,
  publish: 0,
  'event delivered': 0,
  'app channel call': 0,
  invocation: 0,
};

describe('hopsPerOrder', () => {
  it('divides each difference by the orders between the two counts', () => {
    const after = { ...zero, 'state get': 30, publish: 9, invocation: 3 };
    expect(hopsPerOrder(zero, after, 3)).toEqual({ ...zero, 'state get': 10, publish: 3, invocation: 1 });
  });
});

describe('the levers block of docs/performance.md', () => {
  it('is appended once, replaced in place after, and found again', () => {
    const first = replaceLeversBlock('# Performance\n\ntext\n', leversBlock('| a |'));
    expect(first).toContain('| a |');
    const second = replaceLeversBlock(first, leversBlock('| b |'));
    expect(second).not.toContain('| a |');
    expect(second.match(/<!-- levers -->/g)).toHaveLength(1);
    expect(leversBlockOf(second)).toBe(leversBlock('| b |'));
    expect(leversBlockOf('# nothing')).toBeUndefined();
  });
});

describe("where one order's cost goes", () => {
  const order = {
    service: 'order',
    hops: { ...zero, 'state get': 6, 'state set': 5, 'event delivered': 3 },
    appMs: 6,
    sidecarMs: 4,
  };
  const audit = {
    service: 'audit',
    hops: { ...zero, 'state get': 6, 'state set': 6, 'event delivered': 3 },
    appMs: 20,
    sidecarMs: 10,
  };
  const r = {
    broker: 'redis',
    lever: 'one event per delivery',
    appsMs: 26,
    sidecarsMs: 14,
    hops: [order, audit].map(x => x.hops).reduce(addHops, {} as Hops),
    byService: [order, audit],
  } as unknown as LeverResult;

  it('sums hops kind by kind', () => {
    expect(r.hops).toMatchObject({ 'state get': 12, 'state set': 11, 'event delivered': 6, publish: 0 });
  });

  it('lists the services by their CPU per order, with shares of the whole and a total row', () => {
    const lines = costTable(r, { fixedRate: 10, rates: [], stepSeconds: 1 });
    const rows = lines.filter(l => /^\| (order|audit|all) /.test(l));
    expect(rows.map(l => l.split(' | ')[0])).toEqual(['| audit', '| order', '| all']);
    expect(rows[0]).toMatch(/\| 75% \|$/);
    expect(rows[1]).toMatch(/\| 25% \|$/);
    // Calls through the sidecar leave out the events delivered (the apps' count of the same deliveries).
    expect(rows[2]).toContain('| 23.00 |');
  });
});

describe('chooseLevers (--lever)', () => {
  it('runs the baseline first, then only the levers whose name contains the part given', () => {
    expect(chooseLevers().map(l => l.name)).toEqual(LEVERS.map(l => l.name));
    expect(chooseLevers('replicas').map(l => l.name)).toEqual([LEVERS[0]!.name, '2 replicas of every consumer']);
    expect(chooseLevers('bulk subscribe').map(l => l.name)).toEqual([
      LEVERS[0]!.name,
      ...LEVERS.filter(l => l.name.startsWith('bulk subscribe')).map(l => l.name),
    ]);
    expect(chooseLevers(LEVERS[0]!.name)).toEqual([LEVERS[0]]);
  });

  it('refuses a part no lever has, naming them all', () => {
    expect(() => chooseLevers('nope')).toThrow(/no lever's name contains "nope": one event per delivery; /);
  });
});
