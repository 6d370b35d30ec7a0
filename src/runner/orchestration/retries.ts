import type { Plan, TaskId } from '../../plan/types.js';
import type { RetrySettings } from '../../plan/unattended-schema.js';
import type { AppStore } from '../../state/store.js';
import type { StartOptions, TaskControl } from '../../state/services.js';
import { isFresh } from '../../state/coverage-state.js';
import { failureCount } from '../../state/progress.js';
import { isActive, isFinished, TaskStatus } from '../../state/task-status.js';
import { datesFailed } from '../../state/tasks-slice.js';
import { gapRuns } from './run-planner.js';
import type { CoverageRefresher } from './scheduler.js';
import { everyDay } from '../../state/date-ranges.js';
import { monotonicNow } from '../../state/clock.js';

export type RetrierOptions = {
  plan: Plan;
  store: AppStore;
  control: TaskControl;
  /** Asked for a fresh answer before a retry of failed dates is planned. */
  coverage?: CoverageRefresher;
};

export type Retrier = {
  /** The same control; a stop, kill or start by the operator cancels the task's pending retry. */
  track: <C extends TaskControl>(control: C) => C;
  dispose: () => void;
};

/** A processor's retry policy: its own, else the plan's; none by default. */
export const retryPolicyOf = (plan: Plan, processorId: string): RetrySettings | undefined => {
  const policy = plan.processors.find((p) => p.id === processorId)?.retry ?? plan.settings.retry;
  return policy && policy.attempts > 0 ? policy : undefined;
};

/** Wait before retry `n` (1-based): the delay, times the backoff for each retry before it. */
export const retryDelayMs = (policy: RetrySettings, n: number): number =>
  Math.round(policy.delaySeconds * 1000 * policy.backoff ** (n - 1));

/**
 * Retries failed runs on their own: a non-zero exit runs the task again whole, an exit 0 with
 * failed dates runs those dates only (as fill gaps would, ranges or a date list). The pending
 * retry is in the store (the table counts it down, the scheduler holds dependants); its timer
 * is here. A retry of dates is planned only from fresh coverage: dates the warehouse holds by
 * then are not run again.
 */
export const createRetrier = ({ plan, store, control, coverage }: RetrierOptions): Retrier => {
  const timers = new Map<TaskId, NodeJS.Timeout>();
  /** Retries launched so far in each task's current chain. */
  const chain = new Map<TaskId, number>();
  /** The task's current run was launched by a retry. */
  const launchedByRetry = new Set<TaskId>();
  /** Due, waiting for a fresh coverage answer. */
  const dueWaiting = new Set<TaskId>();
  const watching = new Set<TaskId>();

  const processorOf = (taskId: TaskId) =>
    plan.processors.find((p) => `${p.id}@` === taskId.slice(0, p.id.length + 1));
  const windowOf = (taskId: TaskId) => plan.windows.find((w) => taskId.endsWith(`@${w.id}`));

  const cancel = (taskId: TaskId, why?: string) => {
    clearTimeout(timers.get(taskId));
    timers.delete(taskId);
    dueWaiting.delete(taskId);
    chain.delete(taskId);
    if (store.getState().retries[taskId]) {
      store.getState().retryCleared(taskId);
      if (why) store.getState().noticeShown(`${taskId}: pending retry cancelled (${why})`, 'warn');
    }
  };

  const onEnded = (taskId: TaskId) => {
    const task = store.getState().tasks[taskId];
    if (!task) return;
    const done = launchedByRetry.delete(taskId) ? (chain.get(taskId) ?? 0) : 0;
    const failed = task.status === TaskStatus.failed;
    const withFailures = task.status === TaskStatus.withFailures;
    const policy = retryPolicyOf(plan, processorOf(taskId)?.id ?? '');
    if (!policy || (!failed && !withFailures)) return void chain.delete(taskId);
    if (done >= policy.attempts) {
      chain.delete(taskId);
      store
        .getState()
        .noticeShown(
          `${taskId}: ${task.reason ?? task.status}; no retries left (${done} of ${policy.attempts} done)`,
          'warn',
        );
      return;
    }
    const n = done + 1;
    const delayMs = retryDelayMs(policy, n);
    const dates =
      withFailures && task.progress.failedDates.length >= failureCount(task.progress)
        ? [...task.progress.failedDates]
        : undefined;
    chain.set(taskId, done);
    store.getState().retryScheduled(taskId, {
      retry: n,
      of: policy.attempts,
      at: monotonicNow() + delayMs,
      reason: failed
        ? (task.reason ?? 'failed')
        : `exit 0 but ${datesFailed(failureCount(task.progress))}`,
      ...(dates ? { dates } : {}),
    });
    timers.set(
      taskId,
      setTimeout(() => {
        timers.delete(taskId);
        dueWaiting.add(taskId);
        tryLaunch(taskId);
      }, delayMs),
    );
  };

  const tryLaunch = (taskId: TaskId) => {
    const state = store.getState();
    const retry = state.retries[taskId];
    const task = state.tasks[taskId];
    if (!retry || !task || isActive(task.status)) return void dueWaiting.delete(taskId);
    const cell = state.coverage[taskId];
    let options: StartOptions = {};
    let what = 'the whole run again';
    if (retry.dates) {
      // Planned from fresh coverage only, like every run.
      if (cell && !isFresh(cell, task)) {
        if (!cell.refreshing) coverage?.refresh([taskId]);
        return;
      }
      // Thin dates (too few rows) still need the run, like missing ones.
      const toFill =
        cell && cell.expected !== undefined
          ? new Set([...cell.missing, ...(cell.thin ?? []).map((t) => t.date)])
          : undefined;
      const dates = toFill ? retry.dates.filter((d) => toFill.has(d)) : retry.dates;
      if (dates.length === 0) {
        cancel(taskId);
        state.noticeShown(`${taskId}: retry dropped, its failed dates are in the warehouse now`);
        return;
      }
      const processor = processorOf(taskId);
      const window = windowOf(taskId);
      if (!processor || !window) return;
      what = `${dates.length} failed date${dates.length === 1 ? '' : 's'} again: ${dates.join(', ')}`;
      options =
        processor.kind === 'http'
          ? { runs: [], dates }
          : {
              runs: gapRuns(
                processor,
                window,
                {
                  missing: [],
                  refreshing: false,
                  ...cell,
                  expectedDates: cell?.expectedDates.length
                    ? cell.expectedDates
                    : everyDay(window.start, window.end),
                },
                dates,
              ).runs,
            };
    }
    dueWaiting.delete(taskId);
    state.retryCleared(taskId);
    chain.set(taskId, retry.retry);
    launchedByRetry.add(taskId);
    control.start(taskId, {
      ...options,
      kind: 'retry',
      note: `automatic retry ${retry.retry}/${retry.of} (attempt ${task.attempt + 1}) after ${retry.reason}: ${what}`,
    });
  };

  let lastTasks = store.getState().tasks;
  let lastCoverage = store.getState().coverage;
  const unsubscribe = store.subscribe((state) => {
    if (state.tasks !== lastTasks) {
      const previous = lastTasks;
      lastTasks = state.tasks;
      for (const [taskId, task] of Object.entries(state.tasks)) {
        if (task === previous[taskId]) continue;
        if (isActive(task.status)) watching.add(taskId);
        else if (isFinished(task.status) && watching.delete(taskId)) onEnded(taskId);
      }
    }
    if (state.coverage !== lastCoverage) {
      lastCoverage = state.coverage;
      for (const taskId of [...dueWaiting]) tryLaunch(taskId);
    }
  });

  return {
    track: <C extends TaskControl>(inner: C): C => ({
      ...inner,
      start: (taskId: TaskId, options?: StartOptions) => {
        if (options?.kind !== 'retry') cancel(taskId, 'started by hand');
        inner.start(taskId, options);
      },
      stop: (taskId: TaskId) => {
        cancel(taskId, 'x');
        inner.stop(taskId);
      },
      kill: (taskId: TaskId) => {
        cancel(taskId, 'X');
        inner.kill(taskId);
      },
      restart: (taskId: TaskId) => {
        cancel(taskId, 'restarted by hand');
        inner.restart(taskId);
      },
    }),
    dispose: () => {
      unsubscribe();
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
};
