// Charts beside a Markdown report: the SVG files written into the report's folder, the Markdown that links them.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderSvgs } from './render';
import type { Spec } from './spec';

export interface Chart {
  /** File name, relative to the Markdown that links it. */
  file: string;
  /** What the chart shows, in words (the image's alt text). */
  alt: string;
  spec: Spec;
}

export async function writeCharts(dir: string, charts: Chart[]): Promise<void> {
  const svgs = await renderSvgs(charts.map(c => c.spec));
  charts.forEach((c, i) => writeFileSync(join(dir, c.file), svgs[i]!));
}

export const chartLink = (c: Pick<Chart, 'file' | 'alt'>) => `![${c.alt}](${c.file})`;
