import { silentLogger, startTasks, type PeriodicTask } from '../src';

describe('periodic tasks', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('declaring a task starts nothing; startTasks runs it on its period, never overlapping, until stopped', async () => {
    let runs = 0;
    let release: () => void = () => {};
    const tasks: PeriodicTask[] = [
      {
        name: 'slow',
        everyMs: 100,
        run: () => {
          runs += 1;
          return new Promise<void>(r => (release = r));
        },
      },
    ];
    await jest.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(0); // declared, not started
    const stop = startTasks(tasks, silentLogger());
    await jest.advanceTimersByTimeAsync(100);
    expect(runs).toBe(1);
    await jest.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(1); // the first run has not finished: no second one
    release();
    await jest.advanceTimersByTimeAsync(100);
    expect(runs).toBe(2);
    stop();
    release();
    await jest.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(2);
  });

  it('a failing run is logged and the task runs again; everyMs 0 turns a task off', async () => {
    let runs = 0;
    const tasks: PeriodicTask[] = [
      { name: 'off', everyMs: 0, run: async () => void (runs += 100) },
      {
        name: 'flaky',
        everyMs: 50,
        run: async () => {
          runs += 1;
          throw new Error('boom');
        },
      },
    ];
    const stop = startTasks(tasks, silentLogger());
    await jest.advanceTimersByTimeAsync(160);
    stop();
    expect(runs).toBe(3);
  });
});
