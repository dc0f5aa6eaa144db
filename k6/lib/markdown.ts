// A report as Markdown, shaped like the demos' reports (tools/demos/src/markdown.ts): the title, the
// lecture sections and the run, the verdicts, then the measured tables. k6 bundles only k6/, so the shape is
// restated here and test/markdown.test.ts holds it equal to the demos' renderer.

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

export interface ReportHead {
  title: string;
  lecture: string;
  mode: string;
  /** Where the load went: the demos' `Machine:` line becomes `Target:` (k6 runs outside the system it drives). */
  target: { order: string; user: string; chaos: string };
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
    `Target: order at ${r.target.order}, user at ${r.target.user}, chaos API at ${r.target.chaos} (driven by k6).`,
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
