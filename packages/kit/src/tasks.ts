// Periodic work a service declares in createApp and only the process runner starts: tests drive it by hand.
import type Koa from 'koa';
import type { Logger } from './logger';

export interface PeriodicTask {
  name: string;
  /** Pause between the end of one run and the start of the next (runs never overlap); 0 turns the task off. */
  everyMs: number;
  run(): Promise<unknown>;
}

const registry = new WeakMap<Koa, PeriodicTask[]>();

/** Declares a task on an app; nothing runs until `startTasks` (called by runService once the app listens). */
export function schedule(app: Koa, task: PeriodicTask): void {
  registry.set(app, [...(registry.get(app) ?? []), task]);
}

export function scheduledTasks(app: Koa): readonly PeriodicTask[] {
  return registry.get(app) ?? [];
}

/** Starts every task declared on the app; the returned function stops them. A failing run is logged, not fatal. */
export function startTasks(app: Koa, log: Logger): () => void {
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  for (const task of scheduledTasks(app)) {
    if (task.everyMs <= 0) continue;
    const next = () => {
      if (stopped) return;
      const t = setTimeout(() => {
        timers.delete(t);
        task
          .run()
          .catch(err => log.warn({ err, task: task.name }, 'periodic task failed; it runs again on schedule'))
          .finally(next);
      }, task.everyMs);
      t.unref();
      timers.add(t);
    };
    next();
  }
  return () => {
    stopped = true;
    for (const t of timers) clearTimeout(t);
  };
}
