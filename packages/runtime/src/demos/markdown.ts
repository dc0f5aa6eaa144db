// A demo report as Markdown: the machine, the verdicts, then the measured tables.
import type { Claim } from './harness';

export interface Table {
  title: string;
  header: string[];
  rows: (string | number)[][];
}

interface ReportHead {
  title: string;
  lecture: string;
  mode: string;
  machine: { cores: number; cpu: string; runtime: string; broker: string };
  startedAt: string;
  durationMs: number;
  ok: boolean;
  claims: Claim[];
}

const row = (cells: (string | number)[]) => `| ${cells.map(String).join(' | ')} |`;

export function renderTable(t: Table): string {
  return [`### ${t.title}`, '', row(t.header), row(t.header.map(() => '---')), ...t.rows.map(row), ''].join('\n');
}

export function renderMarkdown(r: ReportHead, tables: Table[]): string {
  return [
    `# ${r.title}`,
    '',
    `Lecture section(s) ${r.lecture}. Run ${r.startedAt} in ${r.mode} mode, ${(r.durationMs / 1000).toFixed(0)} s.`,
    `Machine: ${r.machine.cores} cores (${r.machine.cpu}), ${r.machine.runtime}, ${r.machine.broker} broker.`,
    '',
    `## Verdicts: ${r.ok ? 'every claim holds' : 'a claim FAILED'}`,
    '',
    row(['claim', 'verdict', 'evidence']),
    row(['---', '---', '---']),
    ...r.claims.map(c => row([c.claim, c.holds ? 'holds' : '**FAILED**', c.evidence])),
    '',
    '## Measurements',
    '',
    ...tables.map(renderTable),
  ].join('\n');
}
