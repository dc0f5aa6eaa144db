// The benchmark's charts (per broker: the throughput curve with the knee, the convergence distribution at and under
// it) and the Markdown block that links them, kept between markers so a flow-only run can replace just the block.
import { chartLink, convergenceChart, throughputChart, type Chart } from '@lab/charts';
import type { FlowStep } from './flow';

export interface FlowPart {
  broker: string;
  steps: FlowStep[];
  knee: number;
  half: FlowStep;
  eighty: FlowStep;
}

const name = (b: string) => (b === 'kafka' ? 'Kafka' : 'Redis');

export function flowCharts(r: FlowPart): Chart[] {
  const b = name(r.broker);
  const atKnee = r.steps.find(s => s.rate === r.knee);
  return [
    {
      file: `performance-${r.broker}-throughput.svg`,
      alt: `${b}: orders shipped per second and p95 latencies against the offered rate, the knee marked`,
      spec: throughputChart(
        `${b}: whole-flow throughput (shipped/s, p95 latencies) by offered rate`,
        r.steps.map(s => ({
          offered: s.rate,
          achieved: s.completedPerSecond,
          acceptanceP95: s.acceptance.p95,
          convergenceP95: s.convergence.p95,
        })),
        r.knee,
      ),
    },
    {
      file: `performance-${r.broker}-convergence.svg`,
      alt: `${b}: distribution of accepted-to-SHIPPED times at 50% and 80% of the knee and at the knee`,
      spec: convergenceChart(`${b}: convergence distribution (accepted to SHIPPED)`, [
        { label: `${r.half.rate}/s (50% of the knee)`, ms: r.half.convergenceValues },
        { label: `${r.eighty.rate}/s (80%)`, ms: r.eighty.convergenceValues },
        ...(atKnee ? [{ label: `${atKnee.rate}/s (the knee)`, ms: atKnee.convergenceValues }] : []),
      ]),
    },
  ];
}

const open = (broker: string) => `<!-- charts:${broker} -->`;
const close = (broker: string) => `<!-- /charts:${broker} -->`;

/** The charts' Markdown for one broker, `source` saying which run drew them. */
export function chartBlock(broker: string, charts: Chart[], source: string): string[] {
  return [open(broker), '', source, '', ...charts.flatMap(c => [chartLink(c), '']), close(broker), ''];
}

/**
 * The report with one broker's chart block replaced (or put at the end of its whole-flow section when it has
 * none yet); the rest of the report is left as the run that wrote it left it.
 */
export function replaceChartBlock(md: string, broker: string, block: string[]): string {
  const lines = md.split('\n');
  const from = lines.indexOf(open(broker));
  const to = lines.indexOf(close(broker));
  if (from >= 0 && to > from) {
    const end = lines[to + 1] === '' ? to + 2 : to + 1;
    return [...lines.slice(0, from), ...block, ...lines.slice(end)].join('\n');
  }
  const section = lines.findIndex(l => l.startsWith(`## `) && l.endsWith(`On ${name(broker)}`));
  const flow = lines.findIndex((l, i) => i > section && /^### \d+\.3 The whole choreography/.test(l));
  if (section < 0 || flow < 0) throw new Error(`no whole-flow section for ${broker} in the report`);
  const next = lines.findIndex((l, i) => i > flow && l.startsWith('#'));
  const at = next < 0 ? lines.length : next;
  return [...lines.slice(0, at), ...block, ...lines.slice(at)].join('\n');
}
