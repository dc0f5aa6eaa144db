// SVG from vega-lite specs, rendered by vega in a child Node process with no browser and no canvas (text widths are
// vega's estimates, so the same spec gives the same bytes on every machine). A child, because vega and vega-lite
// are ES modules with top-level await: this package is CommonJS, and jest's module sandbox refuses import().
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '@lab/runtime';
import type { Spec } from './spec';

// Reads a JSON array of specs on stdin, writes a JSON array of SVG strings on stdout.
const RENDERER = `
import * as vega from 'vega';
import * as vl from 'vega-lite';
let input = '';
for await (const chunk of process.stdin) input += chunk;
const out = [];
for (const spec of JSON.parse(input)) {
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none', logLevel: vega.Error });
  out.push(await view.toSVG());
  view.finalize();
}
process.stdout.write(JSON.stringify(out));
`;

/** Renders every spec in one child process (vega loads once); the SVGs in the same order. */
export function renderSvgs(specs: Spec[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    // The package folder, so the child resolves vega and vega-lite as this package's dependencies.
    const child = spawn(process.execPath, ['--input-type=module', '-e', RENDERER], {
      cwd: join(REPO_ROOT, 'tools', 'charts'),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', d => (out += d.toString()));
    child.stderr.on('data', d => (err += d.toString()));
    child.once('error', reject);
    child.once('exit', code => {
      if (code !== 0) return reject(new Error(`chart renderer exited ${code}: ${err.slice(-2000)}`));
      try {
        resolve((JSON.parse(out) as string[]).map(tidy));
      } catch (e) {
        reject(new Error(`chart renderer answered no JSON (${String(e)}): ${err.slice(-2000)}`));
      }
    });
    child.stdin.end(JSON.stringify(specs));
  });
}

export async function renderSvg(spec: Spec): Promise<string> {
  return (await renderSvgs([spec]))[0]!;
}

/** One trailing newline, as a committed text file has. */
const tidy = (svg: string) => `${svg.trimEnd()}\n`;
