import { performance } from 'node:perf_hooks';
import type { Plan, TaskId } from '../../plan/types.js';
import type { AppStore } from '../../state/store.js';
import type { TaskControl } from '../../state/services.js';
import type { RunMode, RunScope, RunStep } from '../../state/run-slice.js';
import type { RunKind } from '../../state/run-history.js';
import { readinessOf } from '../../state/readiness.js';
import { isFresh, staleCells } from '../../state/coverage-state.js';
import { isActive } from '../../state/task-status.js';
import { counted } from '../../state/counted.js';
import { recheckStep } from './run-planner.js';

/** What the scheduler asks of the coverage tracker: fresh answers for these cells. */
export type CoverageRefresher = { refresh: (taskIds: readonly TaskId[]) => unknown };

/** What the scheduler's steps share: the plan, the store, and the steps of the run going now. */
export type SchedulerContext = {
  plan: Plan;
  store: AppStore;
  control: TaskControl;
  coverage?: CoverageRefresher;
  /** The run's steps as planned (and as re-checked at launch), by task. */
  steps: Map<TaskId, RunStep>;
};

/** Tasks running or starting now, of those the filter keeps. */
export const activeCount = (
  store: AppStore,
  filter: (taskId: TaskId) => boolean = () => true,
): number =>
  Object.entries(store.getState().tasks).filter(([id, t]) => isActive(t.status) && filter(id))
    .length;

/** Asks the warehouse again for stale cells that no query is on its way for. */
export const askFor = (
  { store, coverage }: Pick<SchedulerContext, 'store' | 'coverage'>,
  taskIds: readonly TaskId[],
): void => {
  const state = store.getState();
  const ask = staleCells(state, taskIds).filter((id) => !state.coverage[id]?.refreshing);
  if (ask.length > 0) coverage?.refresh(ask);
};

/** The tracked cells a dry run of this scope decides from: its tasks that are not running. */
export const cellsOf = (plan: Plan, store: AppStore, scope: RunScope = {}): TaskId[] => {
  const state = store.getState();
  return plan.tasks
    .filter(
      (t) =>
        (!scope.processors || scope.processors.includes(t.processorId)) &&
        (!scope.windows || scope.windows.includes(t.windowId)) &&
        (!scope.tasks || scope.tasks.includes(t.id)) &&
        state.coverage[t.id] !== undefined &&
        !isActive(state.tasks[t.id]?.status ?? 'pending'),
    )
    .map((t) => t.id);
};

/** The same window's tasks of the processors this task's processor depends on. */
export const upstreamsOf = (plan: Plan, taskId: TaskId): TaskId[] => {
  const [processorId, windowId] = taskId.split('@');
  const processor = plan.processors.find((p) => p.id === processorId);
  return (processor?.dependsOn ?? []).map((d) => `${d}@${windowId}`);
};

/** The run history's kind of a step's run: whole window, gaps as ranges, or gaps as a list. */
export const runKindOf = (plan: Plan, taskId: TaskId, mode: RunMode): RunKind => {
  if (mode !== 'gaps') return 'window';
  const processor = plan.processors.find((p) => `${p.id}@` === taskId.slice(0, p.id.length + 1));
  return processor?.fillGaps?.by === 'dates' ? 'dates' : 'gaps';
};

/** Launch-time check of one step: fresh coverage first, then what is still to do. */
export const launchOrDrop = (ctx: SchedulerContext, taskId: TaskId, mode: RunMode): void => {
  const { plan, store, control, steps } = ctx;
  const current = store.getState();
  if (!isFresh(current.coverage[taskId], current.tasks[taskId])) {
    askFor(ctx, [taskId]);
    const reason = 'checking its coverage';
    if (current.run?.steps.find((s) => s.taskId === taskId)?.reason !== reason)
      current.runStepChanged(taskId, 'held', reason);
    return;
  }
  const planned = steps.get(taskId);
  const checked = planned ? recheckStep(plan, current, planned, mode) : undefined;
  if (checked && 'skip' in checked) return current.runStepChanged(taskId, 'skipped', checked.skip);
  if (checked) steps.set(taskId, checked);
  current.runStepChanged(taskId, 'launched');
  control.start(taskId, {
    runs: checked?.runs,
    dates: checked?.dates,
    note: `run (${mode}): ${checked?.detail ?? ''}`,
    kind: runKindOf(plan, taskId, mode),
  });
};

/** Why a queued or held step cannot launch now, or undefined when it can. */
const holdReason = (ctx: SchedulerContext, step: { taskId: TaskId }): string | undefined => {
  const current = ctx.store.getState();
  // Nothing downstream launches while an upstream's retry is pending.
  const retrying = upstreamsOf(ctx.plan, step.taskId).find((id) => current.retries[id]);
  if (retrying) return `waiting for the retry of ${retrying}`;
  const readiness = readinessOf(current, step.taskId);
  if (readiness.ready) return undefined;
  // An upstream judged from a stale answer is asked again, not trusted.
  askFor(ctx, upstreamsOf(ctx.plan, step.taskId));
  return readiness.failedUpstream
    ? `not launched: upstream failed (${readiness.reason})`
    : readiness.reason;
};

/**
 * Launches the steps that are ready, in plan order, up to the global and per-processor limits.
 * Spawning blocks the event loop (a fork and exec, several ms each on a loaded machine), so it
 * stops after the first launch past `until` (a `performance.now()` time) and answers true: the
 * caller goes on in a later turn of the loop, after the keys and exits that came in meanwhile.
 */
export const launchReady = (ctx: SchedulerContext, mode: RunMode, until: number): boolean => {
  const { plan, store } = ctx;
  for (const step of store.getState().run?.steps ?? []) {
    if (step.state !== 'queued' && step.state !== 'held') continue;
    if (step.state === 'held' && step.reason?.startsWith('not launched')) continue;
    const reason = holdReason(ctx, step);
    if (reason !== undefined) {
      if (step.reason !== reason) store.getState().runStepChanged(step.taskId, 'held', reason);
      continue;
    }
    if (activeCount(store) >= plan.settings.concurrency) break;
    const processorId = step.taskId.split('@')[0] ?? '';
    const limit = plan.processors.find((p) => p.id === processorId)?.concurrency;
    if (
      limit !== undefined &&
      activeCount(store, (id) => id.startsWith(`${processorId}@`)) >= limit
    )
      continue;
    launchOrDrop(ctx, step.taskId, mode);
    if (performance.now() >= until) return true;
  }
  return false;
};

/** The run is over when nothing it launched is running and nothing more can start. */
export const finishIfDone = (store: AppStore): void => {
  const state = store.getState();
  const run = state.run;
  if (!run || run.paused) return;
  const running = run.steps.some((s) => s.state === 'launched');
  const waiting = run.steps.some((s) => s.state === 'queued');
  // A held step may still become ready while tasks run or coverage answers are on the way.
  const refreshing = Object.values(state.coverage).some((c) => c.refreshing);
  const heldOnRunning = run.steps.some(
    (s) =>
      s.state === 'held' &&
      !s.reason?.startsWith('not launched') &&
      (activeCount(store) > 0 || refreshing),
  );
  if (running || waiting || heldOnRunning) return;
  const done = run.steps.filter((s) => s.state === 'done').length;
  const skipped = run.steps.filter((s) => s.state === 'skipped').length;
  const held = run.steps.length - done - skipped;
  state.runEnded();
  const parts = [
    `${counted(done, 'task')} ran`,
    ...(skipped ? [`${skipped} dropped: complete since the preview`] : []),
    ...(held ? [`${held} not launched (see their rows)`] : []),
  ];
  state.noticeShown(`run (${run.mode}) finished: ${parts.join(', ')}`, held ? 'warn' : 'info');
};
