// One child process: spawned in its own process group, logged to a file, stopped with a deadline, and (when asked)
// supervised like a kubelet supervises a container: an exit nobody asked for is reported with its code or signal
// and the process is started again after a capped backoff.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  logFile: string;
  /** Called for each output line (the console stream of the CLI). */
  onLine?: (line: string) => void;
  /** Restart the process when it exits without stop()/kill() having been called. */
  restart?: boolean;
  /** Called with each supervision message (an unexpected exit, a restart); also written to the log file. */
  onSupervisor?: (message: string) => void;
}

/** Restart backoff: 250 ms, doubling up to 8 s; back to the start once a run lasted RESET_AFTER_MS. */
export const BACKOFF = { firstMs: 250, maxMs: 8000, resetAfterMs: 30_000 };

export function backoffMs(consecutive: number): number {
  return Math.min(BACKOFF.maxMs, BACKOFF.firstMs * 2 ** Math.max(0, consecutive - 1));
}

/**
 * On Linux, `setpriv --pdeathsig TERM` makes the kernel signal the child when the runtime itself dies
 * (even by SIGKILL), so a crashed launcher cannot leave orphans. Elsewhere the pid file reaper covers it.
 */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find(p => process.platform === 'linux' && existsSync(p));

export class ManagedProcess {
  private child: ChildProcess | undefined;
  private log: WriteStream | undefined;
  private exited: Promise<number | null> = Promise.resolve(null);
  /** True from start() until stop() or kill(): an exit while wanted is a crash. */
  private wanted = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private consecutive = 0;
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  /** Restarts made by the supervisor since this process was first started. */
  restarts = 0;

  constructor(readonly spec: ProcessSpec) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Down, but the supervisor will start it again. */
  get restarting(): boolean {
    return this.restartTimer !== undefined;
  }

  start(): void {
    this.wanted = true;
    this.consecutive = 0;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    if (this.running) return;
    this.spawn();
  }

  private say(message: string): void {
    if (this.log && !this.log.writableEnded) this.log.write(`[supervisor] ${message}\n`);
    this.spec.onSupervisor?.(message);
  }

  private spawn(): void {
    this.log ??= createWriteStream(this.spec.logFile, { flags: 'a' });
    const [command, args] = SETPRIV
      ? [SETPRIV, ['--pdeathsig', 'TERM', '--', this.spec.command, ...this.spec.args]]
      : [this.spec.command, this.spec.args];
    const child = spawn(command, args, {
      cwd: this.spec.cwd,
      env: this.spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.child = child;
    this.exitCode = null;
    this.signalCode = null;
    this.startedAt = Date.now();
    const log = this.log;
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', line => {
        if (!log.writableEnded) log.write(line + '\n');
        this.spec.onLine?.(line);
      });
    }
    this.exited = new Promise(resolve => {
      child.once('exit', (code, signal) => {
        this.exitCode = code;
        this.signalCode = signal;
        resolve(code);
        if (this.child === child) this.onExit(code, signal);
      });
      child.once('error', err => {
        log.write(`spawn error: ${err.message}\n`);
        resolve(-1);
      });
    });
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (!this.wanted) return;
    const ranMs = Date.now() - this.startedAt;
    const how = signal ? `signal ${signal}` : `code ${code}`;
    if (!this.spec.restart) {
      this.say(`${this.spec.name} exited on its own (${how}) after ${(ranMs / 1000).toFixed(1)} s; not restarted`);
      return;
    }
    this.consecutive = ranMs >= BACKOFF.resetAfterMs ? 1 : this.consecutive + 1;
    const wait = backoffMs(this.consecutive);
    this.say(
      `${this.spec.name} exited on its own (${how}) after ${(ranMs / 1000).toFixed(1)} s; ` +
        `restarting in ${wait} ms (restart ${this.restarts + 1})`,
    );
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (!this.wanted || this.running) return;
      this.restarts += 1;
      this.spawn();
      this.say(`${this.spec.name} restarted (pid ${this.child?.pid})`);
    }, wait);
  }

  private signal(sig: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (!pid || !this.running) return;
    try {
      process.kill(-pid, sig); // the whole group
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* already gone */
      }
    }
  }

  /** Keeps it down: no restart until start() is called again. */
  private release(): void {
    this.wanted = false;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. It stays down. */
  async stop(graceMs = 8000): Promise<void> {
    this.release();
    if (!this.running) return this.closeLog();
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    await this.closeLog();
  }

  /** kill -9, and it stays down (the crash the fault tests need, with the restart in their hands). */
  async kill(): Promise<void> {
    this.release();
    this.signal('SIGKILL');
    await this.exited;
    await this.closeLog();
  }

  /** kill -9 as a crash would: the supervisor sees an exit nobody asked for and restarts the process. */
  async crash(): Promise<void> {
    this.signal('SIGKILL');
    await this.exited;
  }

  /** SIGSTOP / SIGCONT: a process that hangs without exiting (its sockets stay open, nothing answers). */
  freeze(): void {
    this.signal('SIGSTOP');
  }

  thaw(): void {
    this.signal('SIGCONT');
  }

  private closeLog(): Promise<void> {
    const log = this.log;
    this.log = undefined;
    return new Promise(resolve => (log ? log.end(resolve) : resolve()));
  }
}
