// The benchmark's chart block: put at the end of a broker's whole-flow section the first time, replaced in place
// after that, the rest of the report untouched.
import { chartBlock, replaceChartBlock } from '../src/charts';

const report = [
  '# Performance',
  '',
  '## 1. On Redis',
  '',
  '### 1.3 The whole choreography: orders per second and convergence',
  '',
  '| offered | ... |',
  '',
  '### 1.4 The price of the synchronous chain, everything healthy',
  '',
  '## 2. On Kafka',
  '',
  '### 2.3 The whole choreography: orders per second and convergence',
  '',
  'Knee: 30.',
  '',
].join('\n');

const chart = (b: string) => [{ file: `performance-${b}-throughput.svg`, alt: `${b} throughput`, spec: {} }];

describe('replaceChartBlock', () => {
  it('puts the block at the end of the broker whole-flow section, then replaces it in place', () => {
    const once = replaceChartBlock(report, 'redis', chartBlock('redis', chart('redis'), 'Run A.'));
    const lines = once.split('\n');
    const block = lines.indexOf('<!-- charts:redis -->');
    expect(block).toBeGreaterThan(lines.indexOf('| offered | ... |'));
    expect(block).toBeLessThan(lines.indexOf('### 1.4 The price of the synchronous chain, everything healthy'));
    expect(once).toContain('![redis throughput](performance-redis-throughput.svg)');

    const twice = replaceChartBlock(once, 'redis', chartBlock('redis', chart('redis'), 'Run B.'));
    expect(twice).not.toContain('Run A.');
    expect(twice.replace('Run B.', 'Run A.')).toBe(once);
  });

  it('finds the Kafka section, the last one', () => {
    const md = replaceChartBlock(report, 'kafka', chartBlock('kafka', chart('kafka'), 'Run K.'));
    expect(md.indexOf('<!-- charts:kafka -->')).toBeGreaterThan(md.indexOf('Knee: 30.'));
    expect(md.startsWith(report.trimEnd())).toBe(true);
  });

  it('refuses a report with no such section', () => {
    expect(() => replaceChartBlock('# Performance\n', 'redis', [])).toThrow(/no whole-flow section for redis/);
  });
});
