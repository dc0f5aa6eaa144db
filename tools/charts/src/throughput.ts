// The whole-flow throughput curve: orders shipped per second against the offered rate (with the line where they
// are equal), and the latency that goes with it, the knee marked on both.
import type { Spec, ThroughputStep } from './spec';

const r1 = (v: number) => Math.round(v * 10) / 10;
/** One x scale, from 0 to the highest rate offered, for every layer of both panels (the knee sits where it is). */
const offeredAxis = (max: number) => ({
  field: 'offered',
  type: 'quantitative',
  title: 'offered POST /orders per second',
  scale: { domain: [0, max] },
});

function kneeLayers(knee: number, max: number): Spec[] {
  const values = [{ offered: knee, label: `knee ${knee}/s` }];
  return [
    {
      name: 'knee',
      data: { values },
      mark: { type: 'rule', color: '#a33', strokeDash: [4, 3], strokeWidth: 1.5 },
      encoding: { x: offeredAxis(max) },
    },
    {
      data: { values },
      mark: { type: 'text', align: 'left', baseline: 'top', dx: 4, dy: 4, color: '#a33', fontSize: 11 },
      encoding: { x: offeredAxis(max), y: { value: 0 }, text: { field: 'label' } },
    },
  ];
}

export function throughputChart(title: string, steps: ThroughputStep[], knee: number): Spec {
  const sorted = [...steps].sort((a, b) => a.offered - b.offered);
  const rates = sorted.map(s => ({ offered: s.offered, achieved: r1(s.achieved) }));
  const max = Math.max(knee, ...sorted.map(s => s.offered));
  const ideal = [0, max].map(x => ({ offered: x, achieved: x }));
  const latency = sorted.flatMap(s => [
    { offered: s.offered, stat: 'acceptance p95', ms: Math.max(0.1, r1(s.acceptanceP95)) },
    { offered: s.offered, stat: 'convergence p95', ms: Math.max(0.1, r1(s.convergenceP95)) },
  ]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    background: 'white',
    config: { font: 'sans-serif', view: { stroke: '#ccc' }, axis: { labelFontSize: 11, titleFontSize: 12 } },
    vconcat: [
      {
        width: 560,
        height: 180,
        layer: [
          {
            data: { values: ideal },
            mark: { type: 'line', color: '#bbb', strokeDash: [2, 2] },
            encoding: { x: offeredAxis(max), y: { field: 'achieved', type: 'quantitative' } },
          },
          {
            name: 'achieved',
            data: { values: rates },
            mark: { type: 'line', point: true, color: '#1f77b4' },
            encoding: {
              x: offeredAxis(max),
              y: { field: 'achieved', type: 'quantitative', title: 'shipped per second' },
            },
          },
          ...kneeLayers(knee, max),
        ],
      },
      {
        width: 560,
        height: 160,
        layer: [
          {
            name: 'latency',
            data: { values: latency },
            mark: { type: 'line', point: true },
            encoding: {
              x: offeredAxis(max),
              y: { field: 'ms', type: 'quantitative', title: 'p95 (ms, log)', scale: { type: 'log' } },
              color: { field: 'stat', type: 'nominal', title: 'latency' },
            },
          },
          ...kneeLayers(knee, max),
        ],
      },
    ],
  };
}
