// The report every scenario writes from k6's summary data: one verdict per rule (k6's own), measured tables, and
// Markdown of the same shape as the demos' reports (held equal to their renderer).
import { renderMarkdown as demoMarkdown, renderTable as demoTable } from '../../tools/demos/src/markdown';
import { readEnv } from '../lib/env.ts';
import { renderMarkdown, renderTable, type Table } from '../lib/markdown.ts';
import { reports } from '../lib/scenarios.ts';
import { claimsOf, checksOf, reportOf, summaryOutputs, tablesOf, type SummaryData } from '../lib/summary.ts';

const env = readEnv({ BASE_URL: 'http://o:3000', USER_URL: 'http://u:3001', CHAOS_URL: 'http://c:3100', SHORT: '1' });
const ended = Date.UTC(2026, 11, 3, 1, 0, 0);

/** What k6 hands handleSummary after a short load run whose acceptance p95 missed its bound. */
const loadRun = (): SummaryData => ({
  state: { testRunDurationMs: 31_250.4 },
  root_group: {
    name: '',
    groups: [{ name: 'reads', groups: [], checks: [{ name: 'order read', passes: 3, fails: 0 }] }],
    checks: [
      { name: 'order accepted', passes: 118, fails: 2 },
      { name: 'sign-up accepted', passes: 30, fails: 0 },
    ],
  },
  metrics: {
    'http_req_failed{flow:event}': {
      type: 'rate',
      contains: 'default',
      values: { rate: 0, passes: 0, fails: 120 },
      thresholds: { 'rate<0.001': { ok: true } },
    },
    'http_req_duration{flow:event}': {
      type: 'trend',
      contains: 'time',
      values: { avg: 120.25, min: 10, med: 80, max: 900, 'p(95)': 412.75, 'p(99)': 850, count: 120 },
      thresholds: { 'p(95)<300': { ok: false } },
    },
    'http_req_failed{flow:signup}': {
      type: 'rate',
      contains: 'default',
      values: { rate: 0, passes: 0, fails: 30 },
      thresholds: { 'rate<0.001': { ok: true } },
    },
    http_reqs: { type: 'counter', contains: 'default', values: { count: 150, rate: 4.8 } },
    checks: { type: 'rate', contains: 'default', values: { rate: 0.987, passes: 151, fails: 2 } },
  },
});

describe('claims', () => {
  it('one per rule, holding as k6 judged its threshold, with the measured value as evidence', () => {
    const claims = claimsOf(reports.load.rules, loadRun());
    expect(claims.map(c => c.holds)).toEqual([true, false, true, true]);
    expect(claims[0]!.evidence).toBe('0.00% (0 of 120) (rate<0.001)');
    expect(claims[1]!.evidence).toBe('p(95) 412.8 ms (p(95)<300)');
    // dropped_iterations only appears once an iteration was dropped; k6 then passes count==0.
    expect(claims[3]).toEqual({
      claim: 'the arrival rate was kept: no iteration dropped for want of a VU',
      holds: true,
      evidence: 'dropped_iterations: no samples',
    });
  });

  it('a metric k6 lists without values is one without samples, judged as k6 judged it', () => {
    const run = loadRun();
    run.metrics.dropped_iterations = {
      type: 'counter',
      contains: 'default',
      values: {},
      thresholds: { 'count==0': { ok: true } },
    };
    expect(claimsOf(reports.load.rules, run)[3]).toMatchObject({
      holds: true,
      evidence: 'dropped_iterations: no samples',
    });
  });

  it('a dropped iteration fails the claim; a threshold k6 did not evaluate is not counted as holding', () => {
    const run = loadRun();
    run.metrics.dropped_iterations = {
      type: 'counter',
      contains: 'default',
      values: { count: 17, rate: 0.5 },
      thresholds: { 'count==0': { ok: false } },
    };
    delete run.metrics['http_req_failed{flow:signup}']!.thresholds;
    const claims = claimsOf(reports.load.rules, run);
    expect(claims[3]).toMatchObject({ holds: false, evidence: 'count 17 (count==0)' });
    expect(claims[2]).toMatchObject({ holds: false, evidence: 'rate<0.001 was not evaluated by k6' });
  });
});

describe('tables', () => {
  it('trends with their unit, rates, counters and every check (groups by path), empty tables left out', () => {
    const tables = tablesOf(loadRun());
    expect(tables.map(t => t.title)).toEqual(['Trends', 'Rates', 'Counters', 'Checks']);
    expect(tables[0]!.rows).toEqual([
      ['http_req_duration{flow:event}', 'ms', '120', '120.3', '80', '412.8', '850', '900'],
    ]);
    expect(tables[1]!.rows).toContainEqual(['checks', '98.70%', 151, 2]);
    expect(tables[2]!.rows).toEqual([['http_reqs', '150', '4.8']]);
    expect(tables[3]!.rows).toEqual([
      ['order accepted', 118, 2],
      ['sign-up accepted', 30, 0],
      ['reads / order read', 3, 0],
    ]);
    expect(checksOf({ name: '', groups: [], checks: [] })).toEqual([]);
    expect(tablesOf({ ...loadRun(), metrics: {} }).map(t => t.title)).toEqual(['Checks']);
  });
});

describe('the report files', () => {
  it('<REPORT_DIR>/<scenario>.json and .md, the verdict lines on stdout', () => {
    const out = summaryOutputs(reports.isolation, loadRun(), env, ended);
    expect(Object.keys(out).sort()).toEqual([
      'k6/reports/failure-isolation.json',
      'k6/reports/failure-isolation.md',
      'stdout',
    ]);
    const custom = summaryOutputs(reports.load, loadRun(), readEnv({ REPORT_DIR: '/tmp/out/' }), ended);
    expect(Object.keys(custom)).toContain('/tmp/out/load.json');
    const load = summaryOutputs(reports.load, loadRun(), env, ended);
    expect(load.stdout).toContain('FAILED  acceptance p95 under 300 ms (p(95) 412.8 ms (p(95)<300))');
    expect(load.stdout).toContain('Report: k6/reports/load.md and .json');
  });

  it("the JSON carries the demos' report fields: title, lecture, mode, start, duration, verdict, claims, numbers", () => {
    const json = JSON.parse(summaryOutputs(reports.load, loadRun(), env, ended)['k6/reports/load.json']!);
    expect(json).toEqual({
      scenario: 'load',
      title: reports.load.title,
      lecture: reports.load.lecture,
      mode: 'short',
      target: { order: 'http://o:3000', user: 'http://u:3001', chaos: 'http://c:3100' },
      startedAt: new Date(ended - 31_250.4).toISOString(),
      durationMs: 31_250,
      ok: false,
      claims: claimsOf(reports.load.rules, loadRun()),
      measurements: expect.objectContaining({ http_reqs: { count: 150, rate: 4.8 } }),
    });
    expect(reportOf(reports.smoke, { ...loadRun(), metrics: {} }, env, ended).ok).toBe(true);
  });
});

describe("the Markdown has the demos' shape", () => {
  const tables: Table[] = [
    { title: 'Trends', header: ['metric', 'p95'], rows: [['http_req_duration', '1.5']] },
    { title: 'Checks', header: ['check', 'passes'], rows: [['order accepted', 3]] },
  ];

  it('every table renders exactly as a demo table', () => {
    for (const t of tables) expect(renderTable(t)).toBe(demoTable(t));
  });

  it("line for line the demos' report, the machine line being where the load went", () => {
    const r = reportOf(reports.load, loadRun(), env, ended);
    const ours = renderMarkdown(r, tables).split('\n');
    const machine = { cores: 2, cpu: 'cpu', runtime: 'local', broker: 'redis' };
    // The demos' head also carries the machine's load average (their Machine line); k6 has no machine of its own.
    const head = { ...r, machine, loadAverage: 0.5 } as Parameters<typeof demoMarkdown>[0];
    const theirs = demoMarkdown(head, tables).split('\n');
    expect(ours).toHaveLength(theirs.length);
    expect(theirs[3]).toMatch(/^Machine: /);
    expect(ours[3]).toBe(
      'Target: order at http://o:3000, user at http://u:3001, chaos API at http://c:3100 (driven by k6).',
    );
    expect(ours.filter((_, i) => i !== 3)).toEqual(theirs.filter((_, i) => i !== 3));
    expect(ours).toContain('## Verdicts: a claim FAILED');
    expect(ours).toContain('| acceptance p95 under 300 ms | **FAILED** | p(95) 412.8 ms (p(95)<300) |');
  });
});
