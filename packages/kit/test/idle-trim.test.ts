import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FLOOR_BYTES, QUIET_BYTES, shouldTrim, type Trim, type Young } from '../src/idle-trim';

const MB = 1024 * 1024;
const limits = { quietBytes: QUIET_BYTES, floorBytes: FLOOR_BYTES }; // 4 MiB each
const young = (capacityMb: number, usedMb: number): Young => ({
  capacityBytes: capacityMb * MB,
  usedBytes: usedMb * MB,
});

describe('shouldTrim: a quiet window with a grown young generation', () => {
  it('trims a grown young generation after a window with no collection and little allocated', () => {
    expect(shouldTrim(young(16, 2), young(16, 5.5), 0, limits)).toBe(true);
  });

  it('leaves it when a collection ran, when 4 MiB or more were made, or when it is at its floor', () => {
    expect(shouldTrim(young(16, 2), young(16, 2.5), 1, limits)).toBe(false);
    expect(shouldTrim(young(16, 2), young(16, 6), 0, limits)).toBe(false);
    expect(shouldTrim(young(4, 0.1), young(4, 0.2), 0, limits)).toBe(false);
  });
});

interface ChildReport {
  grownBytes: number;
  trimsWhileBusy: number;
  trims: Trim[];
  quietAfterMs: number;
  after: Young;
}

// The real thing, in a process of its own (a test runner never stops allocating): the module, unbuilt (Node strips
// its types), watches 200 ms windows while the process allocates for 1.5 s and then goes quiet.
const CHILD = `
const t = require(process.argv[1]);
const trims = [];
const stop = t.startIdleTrim({ everyMs: 200, onTrim: x => trims.push(x) });
let keep = [];
const busyUntil = Date.now() + 1500;
const busy = () => {
  for (let i = 0; i < 20000; i++) keep.push({ i, s: 'x' + i });
  if (keep.length > 200000) keep = [];
  if (Date.now() < busyUntil) return setImmediate(busy);
  const report = { grownBytes: t.youngGeneration().capacityBytes, trimsWhileBusy: trims.length };
  keep = null;
  const quietFrom = Date.now();
  const poll = setInterval(() => {
    if (trims.length === report.trimsWhileBusy && Date.now() - quietFrom < 5000) return;
    clearInterval(poll);
    stop();
    console.log(JSON.stringify({ ...report, trims, quietAfterMs: Date.now() - quietFrom, after: t.youngGeneration() }));
  }, 50);
};
busy();
`;

describe('startIdleTrim in a real process', () => {
  it('never trims while the process allocates, and trims the grown young generation once it is quiet', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['-e', CHILD, join(__dirname, '../src/idle-trim.ts')],
      {
        timeout: 20_000,
      },
    );
    const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as ChildReport;
    expect(r.grownBytes).toBeGreaterThan(limits.floorBytes); // the burst grew it (else the test proves nothing)
    expect(r.trimsWhileBusy).toBe(0);
    expect(r.trims).toHaveLength(1); // within 5 s of going quiet
    expect(r.trims[0]!.beforeBytes).toBeGreaterThan(limits.floorBytes);
    expect(r.trims[0]!.afterBytes).toBeLessThanOrEqual(limits.floorBytes);
    expect(r.after.capacityBytes).toBeLessThanOrEqual(limits.floorBytes);
    process.stdout.write(
      `idle trim: young generation ${r.grownBytes / MB} MB -> ${r.after.capacityBytes / MB} MB, ${r.quietAfterMs} ms after going quiet, the collection took ${r.trims[0]!.ms.toFixed(1)} ms\n`,
    );
  });
});
