#!/usr/bin/env node
// Reads the jest --json results of one `./lab test` run and prints, last, what failed and one count line.
// Exits 1 when a test failed, a suite did not run (a suite that fails to load has no test results), or a phase
// named after the folder (`test-summary.js <dir> unit-k8s e2e-redis ...`) wrote no results at all.
'use strict';
const fs = require('fs');
const path = require('path');

const [dir, ...expected] = process.argv.slice(2);
const runs = fs
  .readdirSync(dir)
  .filter(f => f.endsWith('.json'))
  .map(f => ({ file: f, result: JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) }));

const ansi = new RegExp(String.fromCharCode(27) + '\\[[0-9;]*m', 'g');
const stripAnsi = s => s.replace(ansi, '');
const head = (s, lines) =>
  stripAnsi(s)
    .split('\n')
    .filter(l => l.trim())
    .slice(0, lines)
    .join('\n      ');

let broken = 0;
for (const phase of expected) {
  if (!runs.some(r => r.file === `${phase}.json`)) {
    broken += 1;
    console.log(`NO RESULTS [${phase}] the phase wrote no test results: it did not run, or jest crashed`);
  }
}
for (const { file, result } of runs) {
  for (const suite of result.testResults) {
    const rel = path.relative(process.cwd(), suite.name);
    const failed = suite.assertionResults.filter(t => t.status === 'failed');
    if (suite.status === 'failed' && failed.length === 0) {
      broken += 1;
      console.log(`FAILED SUITE [${file}] ${rel}\n      ${head(suite.message || 'no message', 8)}`);
    }
    for (const t of failed) {
      console.log(`FAILED [${file}] ${rel} > ${t.fullName}\n      ${head(t.failureMessages.join('\n'), 8)}`);
    }
  }
}
const sum = k => runs.reduce((n, r) => n + r.result[k], 0);
const failed = sum('numFailedTests');
console.log(`${sum('numPassedTests')} passed, ${failed} failed, ${sum('numPendingTests')} skipped`);
process.exit(failed > 0 || broken > 0 ? 1 : 0);
