// The pid file of a run (<runDir>/pids.json), with each process's identity: the machine's boot id and the process's
// start time (field 22 of /proc/<pid>/stat). After a reboot, or once the pid was reused by another program, the
// recorded pid names someone else: `up` (reaping a crashed run) and `down` signal only processes that still match.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

export interface RecordedProcess {
  pid: number;
  /** Clock ticks since boot at which the process started (undefined where /proc is not available). */
  startTime?: string;
}

export interface PidFile {
  bootId?: string;
  processes: RecordedProcess[];
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export const bootId = (): string | undefined => read('/proc/sys/kernel/random/boot_id')?.trim();

/** The start time of a live process, or undefined (gone, or no /proc). */
export function startTimeOf(pid: number): string | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19]; // field 22 overall: starttime
}

export function writePidFile(path: string, pids: number[]): void {
  const file: PidFile = {
    ...(bootId() ? { bootId: bootId()! } : {}),
    processes: pids.map(pid => {
      const startTime = startTimeOf(pid);
      return startTime ? { pid, startTime } : { pid };
    }),
  };
  writeFileSync(path, JSON.stringify(file));
}

/** Every pid the file records (whether or not it is still the same process). */
export function recordedPids(path: string): number[] {
  return parse(path)?.processes.map(p => p.pid) ?? [];
}

function parse(path: string): PidFile | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const raw = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    // A file of an earlier version (a bare list of pids) has no identities: nothing in it can be verified.
    if (Array.isArray(raw)) return { processes: [] };
    return raw as PidFile;
  } catch {
    return undefined;
  }
}

/**
 * The recorded processes that are provably still the ones this runtime started: same boot, same start time. A pid
 * without a recorded start time is never trusted.
 */
export function verifiedPids(path: string): { verified: number[]; skipped: number[] } {
  const file = parse(path);
  if (!file) return { verified: [], skipped: [] };
  const sameBoot = file.bootId !== undefined && file.bootId === bootId();
  const verified: number[] = [];
  const skipped: number[] = [];
  for (const p of file.processes) {
    const now = startTimeOf(p.pid);
    if (sameBoot && p.startTime !== undefined && now === p.startTime) verified.push(p.pid);
    else if (now !== undefined) skipped.push(p.pid);
  }
  return { verified, skipped };
}

/** Signals the process group of every verified process; returns what was signalled and what was left alone. */
export function signalRecorded(path: string, sig: NodeJS.Signals): { signalled: number[]; skipped: number[] } {
  const { verified, skipped } = verifiedPids(path);
  for (const pid of verified) {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* gone */
      }
    }
  }
  return { signalled: verified, skipped };
}

export function removePidFile(path: string): void {
  rmSync(path, { force: true });
}
