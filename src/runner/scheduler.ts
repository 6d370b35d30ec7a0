import type { Plan, TaskId } from '../plan/types.js';
import type { AppStore } from '../state/store.js';
import type { RunControl, TaskControl } from '../state/services.js';
import type { RunMode, RunPreview, RunScope } from '../state/run-slice.js';
import { readinessOf } from '../state/readiness.js';
import { isActive, isFinished } from '../state/task-status.js';
import { planRun } from './run-planner.js';

export type SchedulerOptions = { plan: Plan; store: AppStore; control: TaskControl };

/**
 * Carries out a run: launches its steps in dependency order as they become ready, up to the
 * plan's concurrency (global and per processor), and keeps going as tasks finish. A step
 * whose upstream failed is held, never launched. Pausing stops launching, nothing else.
 */
export const createScheduler = ({
  plan,
  store,
  control,
}: SchedulerOptions): RunControl & { dispose: () => void } => {
  let pumping = false;
  let steps = new Map<TaskId, RunPreview['steps'][number]>();

  const activeCount = (filter: (taskId: TaskId) => boolean = () => true) =>
    Object.entries(store.getState().tasks).filter(([id, t]) => isActive(t.status) && filter(id))
      .length;

  const pump = () => {
    if (pumping) return;
    pumping = true;
    try {
      const state = store.getState();
      const run = state.run;
      if (!run) return;
      // Launched steps that ended are done.
      for (const step of run.steps) {
        const task = state.tasks[step.taskId];
        if (step.state === 'launched' && task && isFinished(task.status)) {
          state.runStepChanged(step.taskId, 'done', task.status);
        }
      }
      if (!run.paused) {
        for (const step of store.getState().run?.steps ?? []) {
          if (step.state !== 'queued' && step.state !== 'held') continue;
          if (step.state === 'held' && step.reason?.startsWith('not launched')) continue;
          const current = store.getState();
          const readiness = readinessOf(current, step.taskId);
          if (!readiness.ready) {
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
          const planned = steps.get(step.taskId);
          current.runStepChanged(step.taskId, 'launched');
          control.start(step.taskId, {
            runs: planned?.runs,
            dates: planned?.dates,
            note: `run (${run.mode}): ${planned?.detail ?? ''}`,
          });
        }
      }
      finishIfDone();
    } finally {
      pumping = false;
    }
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
    const held = run.steps.length - done;
    state.runEnded();
    state.noticeShown(
      `run (${run.mode}) finished: ${done} task${done === 1 ? '' : 's'} ran${held ? `, ${held} not launched (see their rows)` : ''}`,
      held ? 'warn' : 'info',
    );
  };

  const unsubscribe = store.subscribe((state, previous) => {
    if (
      state.tasks !== previous.tasks ||
      state.coverage !== previous.coverage ||
      state.run !== previous.run
    ) {
      queueMicrotask(pump);
    }
  });

  return {
    preview: (mode: RunMode, scope?: RunScope) => planRun(plan, store.getState(), mode, scope),
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
