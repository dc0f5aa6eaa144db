// The reports' charts: typed vega-lite specs, the series they plot, and SVG rendering in Node.
export * from './spec';
export { percentile } from './percentile';
export * from './series';
export { throughputChart } from './throughput';
export { renderSvg, renderSvgs } from './render';
export { writeCharts, chartLink, type Chart } from './write';
