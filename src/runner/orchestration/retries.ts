import type { Plan, TaskId } from '../../plan/types.js';
import type { RetrySettings } from '../../plan/unattended-schema.js';
import type { AppStore } from '../../state/store.js';
import type { StartOptions, TaskControl } from '../../state/services.js';
import { isFresh } from '../../state/coverage-state.js';
import { failureCount } from '../../state/progress.js';
import { isActive, TaskStatus } from '../../state/task-status.js';
import type { TaskRuntime } from '../../state/tasks-slice.js';
import { gapRuns } from './run-planner.js';
import type { CoverageRefresher } from './scheduler-steps.js';
import { everyDay } from '../../state/date-ranges.js';
import { monotonicNow } from '../../state/clock.js';
import { counted, datesFailed } from '../../state/counted.js';
import type { PendingRetry } from '../../state/retry-slice.js';
import { createEndWatch } from '../../state/task-changes.js';

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
    const policy = retryPolicyOf(plan, processorOf(plan, taskId)?.id ?? '');
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
    chain.set(taskId, done);
    store.getState().retryScheduled(taskId, pendingRetryOf(task, n, policy.attempts, delayMs));
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
    const planned = retry.dates
      ? retryOfDates(plan, store, taskId, retry.dates, coverage)
      : { options: {}, what: 'the whole run again' };
    if (planned === 'wait') return;
    if (planned === 'drop') {
      cancel(taskId);
      state.noticeShown(`${taskId}: retry dropped, its failed dates are in the warehouse now`);
      return;
    }
    dueWaiting.delete(taskId);
    state.retryCleared(taskId);
    chain.set(taskId, retry.retry);
    launchedByRetry.add(taskId);
    control.start(taskId, {
      ...planned.options,
      kind: 'retry',
      note: `automatic retry ${retry.retry}/${retry.of} (attempt ${task.attempt + 1}) after ${retry.reason}: ${planned.what}`,
    });
  };

  const endsOf = createEndWatch(store.getState().tasks);
  let lastCoverage = store.getState().coverage;
  const unsubscribe = store.subscribe((state) => {
    for (const taskId of endsOf(state.tasks)) onEnded(taskId);
    if (state.coverage !== lastCoverage) {
      lastCoverage = state.coverage;
      for (const taskId of [...dueWaiting]) tryLaunch(taskId);
    }
  });

  return {
    track: <C extends TaskControl>(inner: C): C => cancellingControl(inner, cancel),
    dispose: () => {
      unsubscribe();
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
};

const processorOf = (plan: Plan, taskId: TaskId) =>
  plan.processors.find((p) => `${p.id}@` === taskId.slice(0, p.id.length + 1));
const windowOf = (plan: Plan, taskId: TaskId) =>
  plan.windows.find((w) => taskId.endsWith(`@${w.id}`));

/** The pending retry `n` of a run that just ended failed or with failed dates. */
const pendingRetryOf = (
  task: TaskRuntime,
  n: number,
  of: number,
  delayMs: number,
): PendingRetry => {
  const failed = task.status === TaskStatus.failed;
  const dates =
    !failed && task.progress.failedDates.length >= failureCount(task.progress)
      ? [...task.progress.failedDates]
      : undefined;
  return {
    retry: n,
    of,
    at: monotonicNow() + delayMs,
    reason: failed
      ? (task.reason ?? 'failed')
      : `exit 0 but ${datesFailed(failureCount(task.progress))}`,
    ...(dates ? { dates } : {}),
  };
};

/**
 * A retry of failed dates, planned from fresh coverage only, like every run: 'wait' while the
 * answer is stale (it is asked for), 'drop' when the warehouse holds every one of them by now.
 */
const retryOfDates = (
  plan: Plan,
  store: AppStore,
  taskId: TaskId,
  failedDates: readonly string[],
  coverage: CoverageRefresher | undefined,
): { options: StartOptions; what: string } | 'wait' | 'drop' => {
  const state = store.getState();
  const task = state.tasks[taskId];
  const cell = state.coverage[taskId];
  if (cell && !isFresh(cell, task)) {
    if (!cell.refreshing) coverage?.refresh([taskId]);
    return 'wait';
  }
  // Thin dates (too few rows) still need the run, like missing ones.
  const toFill =
    cell && cell.expected !== undefined
      ? new Set([...cell.missing, ...(cell.thin ?? []).map((t) => t.date)])
      : undefined;
  const dates = toFill ? failedDates.filter((d) => toFill.has(d)) : [...failedDates];
  if (dates.length === 0) return 'drop';
  const processor = processorOf(plan, taskId);
  const window = windowOf(plan, taskId);
  if (!processor || !window) return 'wait';
  const what = `${counted(dates.length, 'failed date')} again: ${dates.join(', ')}`;
  if (processor.kind === 'http') return { options: { runs: [], dates }, what };
  const expectedDates = cell?.expectedDates.length
    ? cell.expectedDates
    : everyDay(window.start, window.end);
  const runs = gapRuns(
    processor,
    window,
    { missing: [], refreshing: false, ...cell, expectedDates },
    dates,
  ).runs;
  return { options: { runs }, what };
};

/** The control with each move by the operator cancelling the task's pending retry first. */
const cancellingControl = <C extends TaskControl>(
  inner: C,
  cancel: (taskId: TaskId, why: string) => void,
): C => ({
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
});
