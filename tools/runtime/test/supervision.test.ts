import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { ManagedProcess, backoffMs, BACKOFF } from '../src/process';
import { bootId, signalRecorded, startTimeOf, verifiedPids, writePidFile } from '../src/pid-file';
import { waitFor } from '../src/wait';

const dir = mkdtempSync(join(tmpdir(), 'lab-supervision-'));
const sleeper = (name: string, restart = true, messages: string[] = []) =>
  new ManagedProcess({
    name,
    command: process.execPath,
    args: ['-e', 'setInterval(() => {}, 1000)'],
    env: process.env,
    cwd: dir,
    logFile: join(dir, `${name}.log`),
    restart,
    onSupervisor: m => messages.push(m),
  });

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('ManagedProcess supervision', () => {
  it('backs off 250 ms, doubling, capped at 8 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 10].map(backoffMs)).toEqual([250, 500, 1000, 2000, 4000, 8000, 8000, 8000]);
    expect(BACKOFF.resetAfterMs).toBe(30_000);
  });

  it('a kill -9 from outside is reported with its signal and the process is restarted', async () => {
    const messages: string[] = [];
    const p = sleeper('crashy', true, messages);
    p.start();
    const first = p.pid!;
    process.kill(first, 'SIGKILL');
    await waitFor(async () => (p.running && p.pid !== first) || undefined, { timeoutMs: 5000, what: 'a restart' });
    expect(p.restarts).toBe(1);
    expect(messages[0]).toMatch(/crashy exited on its own \(signal SIGKILL\).*restarting in 250 ms \(restart 1\)/);
    expect(messages[1]).toMatch(/crashy restarted \(pid \d+\)/);
    await p.stop();
  });

  it('stop() and kill() keep it down: no restart', async () => {
    const messages: string[] = [];
    const p = sleeper('quiet', true, messages);
    p.start();
    await p.kill();
    p.start();
    await p.stop();
    await new Promise(r => setTimeout(r, 600)); // longer than the first backoff: a restart would have happened
    expect(p.running).toBe(false);
    expect(p.restarts).toBe(0);
    expect(messages).toEqual([]);
  });

  it('without restart, an unexpected exit is still reported', async () => {
    const messages: string[] = [];
    const p = sleeper('once', false, messages);
    p.start();
    process.kill(p.pid!, 'SIGKILL');
    await waitFor(async () => messages.length > 0 || undefined, { timeoutMs: 5000, what: 'a report' });
    expect(messages[0]).toMatch(/once exited on its own \(signal SIGKILL\).*not restarted/);
    expect(p.running).toBe(false);
  });
});

describe('pid file identities', () => {
  const linux = process.platform === 'linux' && bootId() !== undefined;
  (linux ? it : it.skip)(
    'signals a recorded process only while it is the same process (boot id and start time)',
    async () => {
      const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' });
      const pid = child.pid!;
      const exited = new Promise(r => child.once('exit', r));
      try {
        const file = join(dir, 'pids.json');
        // A stale file: same pid, but recorded at another boot (as after a reboot) or with another start time.
        writeFileSync(
          file,
          JSON.stringify({ bootId: 'another-boot', processes: [{ pid, startTime: startTimeOf(pid) }] }),
        );
        expect(signalRecorded(file, 'SIGKILL')).toEqual({ signalled: [], skipped: [pid] });
        writeFileSync(file, JSON.stringify({ bootId: bootId(), processes: [{ pid, startTime: '1' }] }));
        expect(signalRecorded(file, 'SIGKILL')).toEqual({ signalled: [], skipped: [pid] });
        // An old-format file (bare pids) cannot be verified: nothing is signalled.
        writeFileSync(file, JSON.stringify([pid]));
        expect(signalRecorded(file, 'SIGKILL').signalled).toEqual([]);
        expect(alive(pid)).toBe(true);
        // The file as the runtime writes it: verified, signalled.
        writePidFile(file, [pid]);
        expect(verifiedPids(file).verified).toEqual([pid]);
        expect(signalRecorded(file, 'SIGKILL').signalled).toEqual([pid]);
        await exited;
        expect(alive(pid)).toBe(false);
      } finally {
        if (alive(pid)) process.kill(pid, 'SIGKILL');
      }
    },
  );
});
