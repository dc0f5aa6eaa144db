// Periodic work a service declares in its spec (defineService) and only the process runner starts: tests drive it
// by hand through the app's `tasks`.
import type { Logger } from './logger';

export interface PeriodicTask {
  name: string;
  /** Pause between the end of one run and the start of the next (runs never overlap); 0 turns the task off. */
  everyMs: number;
  run(): Promise<unknown>;
}

/** Starts the tasks; the returned function stops them. A failing run is logged, not fatal. */
export function startTasks(tasks: readonly PeriodicTask[], log: Logger): () => void {
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  for (const task of tasks) {
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
