// A demo report as Markdown: the machine, the verdicts, then the measured tables.
import { chartLink, type Chart } from '@lab/charts';

/** One claim of the lecture as a demo judged it, with what it saw. */
export interface Claim {
  claim: string;
  holds: boolean;
  evidence: string;
}

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
  /** The first minute's load average when the run started: above the core count, the machine was shared. */
  loadAverage: number;
  claims: Claim[];
}

const row = (cells: (string | number)[]) => `| ${cells.map(String).join(' | ')} |`;

export function renderTable(t: Table): string {
  return [`### ${t.title}`, '', row(t.header), row(t.header.map(() => '---')), ...t.rows.map(row), ''].join('\n');
}

/** The report; `head` is put above the title (e.g. a comment saying which command wrote the file). */
export function renderMarkdown(r: ReportHead, tables: Table[], charts: Chart[] = [], head: string[] = []): string {
  return [
    ...head,
    `# ${r.title}`,
    '',
    `Lecture section(s) ${r.lecture}. Run ${r.startedAt} in ${r.mode} mode, ${(r.durationMs / 1000).toFixed(0)} s.`,
    `Machine: ${r.machine.cores} cores (${r.machine.cpu}), ${r.machine.runtime}, ${r.machine.broker} broker; load average ${r.loadAverage.toFixed(2)} at the start${r.loadAverage > r.machine.cores ? ' (more than the cores: the machine was shared with other work)' : ''}.`,
    '',
    `## Verdicts: ${r.ok ? 'every claim holds' : 'a claim FAILED'}`,
    '',
    row(['claim', 'verdict', 'evidence']),
    row(['---', '---', '---']),
    ...r.claims.map(c => row([c.claim, c.holds ? 'holds' : '**FAILED**', c.evidence])),
    '',
    ...(charts.length ? ['## Charts', '', ...charts.flatMap(c => [chartLink(c), ''])] : []),
    '## Measurements',
    '',
    ...tables.map(renderTable),
  ].join('\n');
}
