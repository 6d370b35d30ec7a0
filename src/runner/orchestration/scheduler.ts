import type { Plan, TaskId } from '../../plan/types.js';
import type { AppStore } from '../../state/store.js';
import type { RunControl, TaskControl } from '../../state/services.js';
import type { RunMode, RunPreview, RunScope, RunStep } from '../../state/run-slice.js';
import { readinessOf } from '../../state/readiness.js';
import { isFresh, staleCells } from '../../state/coverage-state.js';
import { isActive, isFinished } from '../../state/task-status.js';
import { planRun, recheckStep } from './run-planner.js';
import type { RunKind } from '../../state/run-history.js';

/** What the scheduler asks of the coverage tracker: fresh answers for these cells. */
export type CoverageRefresher = { refresh: (taskIds: readonly TaskId[]) => unknown };

export type SchedulerOptions = {
  plan: Plan;
  store: AppStore;
  control: TaskControl;
  /** Absent when the plan tracks no coverage (then no cell can be stale). */
  coverage?: CoverageRefresher;
};

export type Scheduler = RunControl & {
  /** The dry run, once every cell it decides from is fresh (the headless run). */
  previewWhenFresh: (mode: RunMode, scope?: RunScope) => Promise<RunPreview>;
  dispose: () => void;
};

type Waiter = {
  mode: RunMode;
  scope?: RunScope;
  /** When the dry run was asked for (wall clock, as coverage answers are stamped). */
  since: number;
  resolve: (preview: RunPreview) => void;
};

/**
 * Carries out a run: launches its steps in dependency order as they become ready, up to the
 * plan's concurrency (global and per processor), and keeps going as tasks finish. A step
 * whose upstream failed is held, never launched. Pausing stops launching, nothing else.
 *
 * Decisions are made only from fresh coverage (asked after the cell's task last ended): a
 * dry run waits for the answers, and each step is checked again when it is launched.
 */
export const createScheduler = ({
  plan,
  store,
  control,
  coverage,
}: SchedulerOptions): Scheduler => {
  let pumping = false;
  let steps = new Map<TaskId, RunStep>();
  let waiters: Waiter[] = [];
  let previewRequest = 0;

  const activeCount = (filter: (taskId: TaskId) => boolean = () => true) =>
    Object.entries(store.getState().tasks).filter(([id, t]) => isActive(t.status) && filter(id))
      .length;

  /** Asks the warehouse again for stale cells that no query is on its way for. */
  const askFor = (taskIds: readonly TaskId[]) => {
    const state = store.getState();
    const ask = staleCells(state, taskIds).filter((id) => !state.coverage[id]?.refreshing);
    if (ask.length > 0) coverage?.refresh(ask);
  };

  /** The tracked cells a dry run of this scope decides from: its tasks that are not running. */
  const cellsOf = (scope: RunScope = {}): TaskId[] => {
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

  /**
   * The cells a waiter still needs an answer for: stale ones not answered since it asked. An
   * answer to a question asked after the request is as fresh as the request, even if the task
   * ended again since; without that, a dry run asked while tasks keep ending would wait for a
   * moment when no cell is stale, which under load never comes (the launch re-check covers
   * what changes after the preview).
   */
  const unansweredFor = (waiter: Waiter): TaskId[] => {
    const state = store.getState();
    return staleCells(state, cellsOf(waiter.scope)).filter(
      (id) => (state.coverage[id]?.refreshedAt ?? Number.NEGATIVE_INFINITY) < waiter.since,
    );
  };

  const settleWaiters = () => {
    if (waiters.length === 0) return;
    const pending: Waiter[] = [];
    for (const waiter of waiters) {
      const stale = unansweredFor(waiter);
      if (stale.length > 0) {
        askFor(stale);
        pending.push(waiter);
      } else {
        waiter.resolve(planRun(plan, store.getState(), waiter.mode, waiter.scope));
      }
    }
    waiters = pending;
  };

  const previewWhenFresh = (mode: RunMode, scope?: RunScope) =>
    new Promise<RunPreview>((resolve) => {
      waiters.push({ mode, scope, since: Date.now(), resolve });
      settleWaiters();
    });

  /** Launch-time check of one step: fresh coverage first, then what is still to do. */
  const launchOrDrop = (taskId: TaskId, mode: RunMode) => {
    const current = store.getState();
    if (!isFresh(current.coverage[taskId], current.tasks[taskId])) {
      askFor([taskId]);
      const reason = 'checking its coverage';
      if (current.run?.steps.find((s) => s.taskId === taskId)?.reason !== reason)
        current.runStepChanged(taskId, 'held', reason);
      return;
    }
    const planned = steps.get(taskId);
    const checked = planned ? recheckStep(plan, current, planned, mode) : undefined;
    if (checked && 'skip' in checked)
      return current.runStepChanged(taskId, 'skipped', checked.skip);
    if (checked) steps.set(taskId, checked);
    current.runStepChanged(taskId, 'launched');
    control.start(taskId, {
      runs: checked?.runs,
      dates: checked?.dates,
      note: `run (${mode}): ${checked?.detail ?? ''}`,
      kind: runKindOf(plan, taskId, mode),
    });
  };

  const pump = () => {
    if (pumping) return;
    pumping = true;
    try {
      settleWaiters();
      const state = store.getState();
      const run = state.run;
      if (!run) return;
      // Launched steps that ended are done.
      for (const step of run.steps) {
        const task = state.tasks[step.taskId];
        // A pending automatic retry keeps the step going: its task will run again.
        if (
          step.state === 'launched' &&
          task &&
          isFinished(task.status) &&
          !state.retries[step.taskId]
        ) {
          state.runStepChanged(step.taskId, 'done', task.status);
        }
      }
      if (!run.paused) launchReady(run.mode);
      finishIfDone();
    } finally {
      pumping = false;
    }
  };

  const launchReady = (mode: RunMode) => {
    for (const step of store.getState().run?.steps ?? []) {
      if (step.state !== 'queued' && step.state !== 'held') continue;
      if (step.state === 'held' && step.reason?.startsWith('not launched')) continue;
      const current = store.getState();
      // Nothing downstream launches while an upstream's retry is pending.
      const retrying = upstreamsOf(step.taskId).find((id) => current.retries[id]);
      if (retrying) {
        const reason = `waiting for the retry of ${retrying}`;
        if (step.reason !== reason) current.runStepChanged(step.taskId, 'held', reason);
        continue;
      }
      const readiness = readinessOf(current, step.taskId);
      if (!readiness.ready) {
        // An upstream judged from a stale answer is asked again, not trusted.
        askFor(upstreamsOf(step.taskId));
        const reason = readiness.failedUpstream
          ? `not launched: upstream failed (${readiness.reason})`
          : readiness.reason;
        if (step.reason !== reason) current.runStepChanged(step.taskId, 'held', reason);
        continue;
      }
      if (activeCount() >= plan.settings.concurrency) break;
      const processorId = step.taskId.split('@')[0] ?? '';
      const limit = plan.processors.find((p) => p.id === processorId)?.concurrency;
      if (limit !== undefined && activeCount((id) => id.startsWith(`${processorId}@`)) >= limit)
        continue;
      launchOrDrop(step.taskId, mode);
    }
  };

  const upstreamsOf = (taskId: TaskId): TaskId[] => {
    const [processorId, windowId] = taskId.split('@');
    const processor = plan.processors.find((p) => p.id === processorId);
    return (processor?.dependsOn ?? []).map((d) => `${d}@${windowId}`);
  };

  /** The run is over when nothing it launched is running and nothing more can start. */
  const finishIfDone = () => {
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
        (activeCount() > 0 || refreshing),
    );
    if (running || waiting || heldOnRunning) return;
    const done = run.steps.filter((s) => s.state === 'done').length;
    const skipped = run.steps.filter((s) => s.state === 'skipped').length;
    const held = run.steps.length - done - skipped;
    state.runEnded();
    const parts = [
      `${done} task${done === 1 ? '' : 's'} ran`,
      ...(skipped ? [`${skipped} dropped: complete since the preview`] : []),
      ...(held ? [`${held} not launched (see their rows)`] : []),
    ];
    state.noticeShown(`run (${run.mode}) finished: ${parts.join(', ')}`, held ? 'warn' : 'info');
  };

  // One pump for all the changes made together: a task's end, its step marked done, the next
  // launch's starting and started are four changes, and each pump walks every step (1000 at
  // 50 at once end dozens of times a second).
  let pumpQueued = false;
  const unsubscribe = store.subscribe((state, previous) => {
    if (
      !pumpQueued &&
      (state.tasks !== previous.tasks ||
        state.coverage !== previous.coverage ||
        state.run !== previous.run ||
        state.retries !== previous.retries)
    ) {
      pumpQueued = true;
      queueMicrotask(() => {
        pumpQueued = false;
        pump();
      });
    }
  });

  return {
    requestPreview: (mode, scope) => {
      const request = ++previewRequest;
      const show = () => {
        const cells = cellsOf(scope);
        const fresh = cells.length - staleCells(store.getState(), cells).length;
        store.getState().previewAsked({ mode, scope, fresh, cells: cells.length });
      };
      show();
      // Until the answers are in, the overlay counts them; a dismissed request shows nothing.
      const stopCounting = store.subscribe((state, previous) => {
        if (state.coverage !== previous.coverage && state.previewAsking) show();
      });
      void previewWhenFresh(mode, scope).then((preview) => {
        stopCounting();
        const state = store.getState();
        if (request === previewRequest && state.previewAsking) state.runPreviewed(preview);
      });
    },
    previewWhenFresh,
    start: (preview: RunPreview) => {
      if (store.getState().run) {
        store.getState().noticeShown('a run is already going: p pauses it', 'warn');
        return;
      }
      steps = new Map(preview.steps.map((s) => [s.taskId, s]));
      if (preview.steps.length === 0) {
        store.getState().noticeShown('nothing to run: every task is complete or skipped', 'info');
        return;
      }
      store.getState().runStarted(
        preview.mode,
        preview.steps.map((s) => s.taskId),
      );
      pump();
    },
    togglePause: () => {
      store.getState().runPauseToggled();
      pump();
    },
    isRunning: () => store.getState().run !== undefined,
    dispose: unsubscribe,
  };
};

/** The run history's kind of a step's run: whole window, gaps as ranges, or gaps as a list. */
const runKindOf = (plan: Plan, taskId: TaskId, mode: RunMode): RunKind => {
  if (mode !== 'gaps') return 'window';
  const processor = plan.processors.find((p) => `${p.id}@` === taskId.slice(0, p.id.length + 1));
  return processor?.fillGaps?.by === 'dates' ? 'dates' : 'gaps';
};
