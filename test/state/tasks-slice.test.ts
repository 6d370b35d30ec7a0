import { describe, expect, it } from 'vitest';
import { createAppStore } from '../../src/state/store.js';
import { emptyProgress } from '../../src/state/progress.js';
import { TaskStatus } from '../../src/state/task-status.js';
import { testPlan } from '../support/plans.js';

const started = () => {
  const store = createAppStore(testPlan());
  store.getState().taskStarting('alpha@w1', '/tmp/x.log');
  store.getState().taskStarted('alpha@w1', 1234, 1000);
  return store;
};

describe('tasks slice', () => {
  it('starts every task pending with no attempts', () => {
    const store = createAppStore(testPlan());
    expect(Object.keys(store.getState().tasks)).toEqual([
      'alpha@w1',
      'alpha@w2',
      'beta@w1',
      'beta@w2',
    ]);
    expect(store.getState().tasks['beta@w2']).toMatchObject({
      status: TaskStatus.pending,
      attempt: 0,
    });
  });

  it('counts attempts and records pid and start time', () => {
    const store = started();
    expect(store.getState().tasks['alpha@w1']).toMatchObject({
      status: 'running',
      attempt: 1,
      pid: 1234,
      startedAt: 1000,
    });
  });

  it('never calls an exit 0 with failed dates a success', () => {
    const store = started();
    store.getState().outputReceived([
      {
        taskId: 'alpha@w1',
        progress: {
          ...emptyProgress,
          succeeded: 3,
          failed: 2,
          failedDates: ['2022-04-17', '2022-04-19'],
        },
      },
    ]);
    store.getState().taskExited('alpha@w1', { exitCode: 0, endedAt: 5000 });
    expect(store.getState().tasks['alpha@w1']).toMatchObject({
      status: TaskStatus.withFailures,
      reason: 'exit 0 but 2 dates failed',
      exitCode: 0,
    });
  });

  it('takes failures from the summary block when the tallies missed them', () => {
    const store = started();
    store.getState().outputReceived([
      {
        taskId: 'alpha@w1',
        progress: { ...emptyProgress, summary: { successful: 40, skipped: 2, failed: 3 } },
      },
    ]);
    store.getState().taskExited('alpha@w1', { exitCode: 0, endedAt: 5000 });
    expect(store.getState().tasks['alpha@w1']?.status).toBe(TaskStatus.withFailures);
  });

  it('marks a clean exit 0 succeeded, a non-zero exit failed and a signal killed', () => {
    const store = started();
    store.getState().taskExited('alpha@w1', { exitCode: 0, endedAt: 2 });
    expect(store.getState().tasks['alpha@w1']?.status).toBe(TaskStatus.succeeded);
    store.getState().taskStarting('alpha@w2', '/tmp/y.log');
    store.getState().taskExited('alpha@w2', { exitCode: 1, endedAt: 2 });
    expect(store.getState().tasks['alpha@w2']).toMatchObject({
      status: TaskStatus.failed,
      reason: 'exit 1',
    });
    store.getState().taskStarting('beta@w1', '/tmp/z.log');
    store.getState().taskExited('beta@w1', { signal: 'SIGKILL', endedAt: 2 });
    expect(store.getState().tasks['beta@w1']).toMatchObject({
      status: TaskStatus.killed,
      reason: 'killed by SIGKILL',
    });
  });

  it('shows a stop in progress with its kill deadline, then a stopped task as killed', () => {
    const store = started();
    store.getState().taskStopRequested('alpha@w1', 11_000);
    expect(store.getState().tasks['alpha@w1']).toMatchObject({
      status: TaskStatus.stopping,
      killAt: 11_000,
    });
    store.getState().taskExited('alpha@w1', { exitCode: 143, endedAt: 3 });
    expect(store.getState().tasks['alpha@w1']).toMatchObject({
      status: TaskStatus.killed,
      reason: 'stopped, exit 143',
      killAt: undefined,
    });
  });

  it('gives a new object only to the task whose output changed', () => {
    const store = started();
    const before = store.getState().tasks;
    const progress = { ...emptyProgress, index: 2, total: 5 };
    store.getState().outputReceived([{ taskId: 'alpha@w1', progress }]);
    const after = store.getState().tasks;
    expect(after['alpha@w1']).not.toBe(before['alpha@w1']);
    expect(after['alpha@w2']).toBe(before['alpha@w2']);
    expect(store.getState().logVersion['alpha@w1']).toBe(1);
    // Lines with no progress change bump the log version but keep the task objects.
    store.getState().outputReceived([{ taskId: 'alpha@w1', progress }]);
    expect(store.getState().tasks).toBe(after);
    expect(store.getState().logVersion['alpha@w1']).toBe(2);
  });

  it('resets progress and exit details when a task starts again', () => {
    const store = started();
    store
      .getState()
      .outputReceived([{ taskId: 'alpha@w1', progress: { ...emptyProgress, failed: 1 } }]);
    store.getState().taskExited('alpha@w1', { exitCode: 1, endedAt: 2 });
    store.getState().taskStarting('alpha@w1', '/tmp/x2.log');
    expect(store.getState().tasks['alpha@w1']).toMatchObject({
      status: 'starting',
      attempt: 2,
      progress: emptyProgress,
      exitCode: undefined,
    });
  });
});
