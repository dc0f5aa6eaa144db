// One child process: spawned in its own process group, logged to a file, stopped with a deadline.
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
  exitCode: number | null = null;

  constructor(readonly spec: ProcessSpec) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    if (this.running) return;
    this.log = createWriteStream(this.spec.logFile, { flags: 'a' });
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
    const log = this.log;
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', line => {
        if (!log.writableEnded) log.write(line + '\n');
        this.spec.onLine?.(line);
      });
    }
    this.exited = new Promise(resolve => {
      child.once('exit', code => {
        this.exitCode = code;
        resolve(code);
      });
      child.once('error', err => {
        log.write(`spawn error: ${err.message}\n`);
        resolve(-1);
      });
    });
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

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  async stop(graceMs = 8000): Promise<void> {
    if (!this.running) return this.closeLog();
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    await this.closeLog();
  }

  /** kill -9: the crash the fault tests need. */
  async kill(): Promise<void> {
    this.signal('SIGKILL');
    await this.exited;
    await this.closeLog();
  }

  private closeLog(): Promise<void> {
    const log = this.log;
    this.log = undefined;
    return new Promise(resolve => (log ? log.end(resolve) : resolve()));
  }
}
