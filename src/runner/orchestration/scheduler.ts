import { performance } from 'node:perf_hooks';
import type { Plan, TaskId } from '../../plan/types.js';
import type { AppStore } from '../../state/store.js';
import type { RunControl, TaskControl } from '../../state/services.js';
import type { RunMode, RunPreview, RunScope } from '../../state/run-slice.js';
import { staleCells } from '../../state/coverage-state.js';
import { isFinished } from '../../state/task-status.js';
import { planRun } from './run-planner.js';
import {
  askFor,
  cellsOf,
  finishIfDone,
  launchReady,
  type CoverageRefresher,
  type SchedulerContext,
} from './scheduler-steps.js';

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
 * How long one turn of the event loop may spend launching tasks: 50 launches in a row held
 * keys for seconds on a 2-core machine (test/drills/load.e2e.test.ts).
 */
const launchBudgetMs = 8;

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
  const ctx: SchedulerContext = { plan, store, control, coverage, steps: new Map() };
  let pumping = false;
  // Launches left for a later turn of the loop (see launchReady).
  const resumeLaunching = onceLater(() => pump());
  let waiters: Waiter[] = [];
  let previewRequest = 0;

  /**
   * The cells a waiter still needs an answer for: stale ones not answered since it asked. An
   * answer to a question asked after the request is as fresh as the request, even if the task
   * ended again since; without that, a dry run asked while tasks keep ending would wait for a
   * moment when no cell is stale, which under load never comes (the launch re-check covers
   * what changes after the preview).
   */
  const unansweredFor = (waiter: Waiter): TaskId[] => {
    const state = store.getState();
    return staleCells(state, cellsOf(plan, store, waiter.scope)).filter(
      (id) => (state.coverage[id]?.refreshedAt ?? Number.NEGATIVE_INFINITY) < waiter.since,
    );
  };

  const settleWaiters = () => {
    if (waiters.length === 0) return;
    const pending: Waiter[] = [];
    for (const waiter of waiters) {
      const stale = unansweredFor(waiter);
      if (stale.length > 0) {
        askFor(ctx, stale);
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

  const pump = () => {
    if (pumping) return;
    pumping = true;
    try {
      settleWaiters();
      const state = store.getState();
      const run = state.run;
      if (!run) return;
      markEndedDone(store);
      if (!run.paused) launchInTurns(ctx, run.mode, resumeLaunching);
      finishIfDone(store);
    } finally {
      pumping = false;
    }
  };

  const unsubscribe = pumpOnChange(store, pump);

  const requestPreview = (mode: RunMode, scope?: RunScope) => {
    const request = ++previewRequest;
    const show = () => {
      const cells = cellsOf(plan, store, scope);
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
  };

  return {
    requestPreview,
    previewWhenFresh,
    start: (preview: RunPreview) => {
      if (store.getState().run) {
        store.getState().noticeShown('a run is already going: p pauses it', 'warn');
        return;
      }
      ctx.steps = new Map(preview.steps.map((s) => [s.taskId, s]));
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
    dispose: () => {
      unsubscribe();
      resumeLaunching.cancel();
    },
  };
};

/** Launched steps whose task ended are done; a pending automatic retry keeps the step going. */
const markEndedDone = (store: AppStore) => {
  const state = store.getState();
  for (const step of state.run?.steps ?? []) {
    // The state first: at most `concurrency` of 1000 steps are launched, and a look-up in a
    // record of 1000 tasks on every pump was most of what a pump cost.
    if (step.state !== 'launched') continue;
    const task = state.tasks[step.taskId];
    if (task && isFinished(task.status) && !state.retries[step.taskId])
      state.runStepChanged(step.taskId, 'done', task.status);
  }
};

/**
 * Launches what is ready for at most the budget of this turn, and asks for a later turn when
 * more is left. A change a launch itself made pumps again at once (a microtask): launching
 * then waits for the later turn already asked for, or the budget would never end the turn.
 */
const launchInTurns = (ctx: SchedulerContext, mode: RunMode, later: OnceLater) => {
  if (later.asked()) return;
  if (launchReady(ctx, mode, performance.now() + launchBudgetMs)) later.ask();
};

type OnceLater = ReturnType<typeof onceLater>;

/** Calls `fn` once in a later turn of the event loop, however often it is asked before then. */
const onceLater = (fn: () => void) => {
  let pending: NodeJS.Immediate | undefined;
  return {
    ask: () => {
      pending ??= setImmediate(() => {
        pending = undefined;
        fn();
      });
    },
    asked: () => pending !== undefined,
    cancel: () => {
      if (pending) clearImmediate(pending);
      pending = undefined;
    },
  };
};

/**
 * One pump for all the changes made together: a task's end, its step marked done, the next
 * launch's starting and started are four changes, and each pump walks every step (1000 at 50
 * at once end dozens of times a second). Returns the unsubscribe.
 */
const pumpOnChange = (store: AppStore, pump: () => void): (() => void) => {
  let pumpQueued = false;
  return store.subscribe((state, previous) => {
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
};
