import { existsSync, readFileSync } from 'node:fs';
import type { Plan } from '../../src/plan/index.js';
import { createCoveragePoller } from '../../src/runner/coverage/coverage-poller.js';
import { openPlanWarehouse } from '../../src/runner/coverage/open-plan-warehouse.js';
import { createScheduler } from '../../src/runner/orchestration/scheduler.js';
import { createSupervisor } from '../../src/runner/tasks/supervisor.js';
import { createLogBook } from '../../src/state/log-book.js';
import type { StepState } from '../../src/state/run-slice.js';
import { createAppStore } from '../../src/state/store.js';
import { isActive } from '../../src/state/task-status.js';

export type StepEvent = { state: StepState; reason?: string };

/**
 * The real pieces of a run, wired as `backfill-console run` wires them: store, supervisor
 * (real child processes), scheduler and, when the plan tracks coverage, the SQLite poller that
 * re-checks a task's cells when it ends. Records, on every store change, how many tasks were
 * active (in all and per processor) and every state each run step went through.
 */
export const startRunner = (plan: Plan) => {
  const store = createAppStore(plan);
  const logBook = createLogBook(1000);
  const warehouse = openPlanWarehouse(plan);
  const poller = warehouse ? createCoveragePoller({ plan, store, warehouse }) : undefined;
  const supervisor = createSupervisor({
    plan,
    store,
    logBook,
    onTaskEnded: (taskId) => void poller?.refresh([taskId]),
  });
  const scheduler = createScheduler({ plan, store, control: supervisor, coverage: poller });

  const peak = { all: 0, byProcessor: {} as Record<string, number> };
  const steps = new Map<string, StepEvent[]>();
  const unsubscribe = store.subscribe((state) => {
    const active = Object.entries(state.tasks)
      .filter(([, task]) => isActive(task.status))
      .map(([id]) => id.split('@')[0] ?? '');
    peak.all = Math.max(peak.all, active.length);
    for (const processor of new Set(active)) {
      const count = active.filter((p) => p === processor).length;
      peak.byProcessor[processor] = Math.max(peak.byProcessor[processor] ?? 0, count);
    }
    for (const step of state.run?.steps ?? []) {
      const seen = steps.get(step.taskId) ?? [];
      const last = seen.at(-1);
      if (last?.state !== step.state || last.reason !== step.reason) {
        seen.push({ state: step.state, reason: step.reason });
        steps.set(step.taskId, seen);
      }
    }
  });

  const dispose = async () => {
    unsubscribe();
    scheduler.dispose();
    await supervisor.stopAll();
    supervisor.dispose();
    poller?.dispose();
    await warehouse?.close().catch(() => undefined);
  };
  return { plan, store, supervisor, scheduler, poller, peak, steps, dispose };
};

export type Event = { what: 'start' | 'end'; label: string; at: number };

/** The lines the record and hold fixtures appended, in the order they were written. */
export const readEvents = (file: string): Event[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [what, label, at] = line.split(' ');
          return { what: what as Event['what'], label: label ?? '', at: Number(at) };
        })
    : [];

/** The most tasks that had started and not yet ended at any point of the events file. */
export const mostAtOnce = (
  events: Event[],
  labelFilter: (label: string) => boolean = () => true,
) => {
  let running = 0;
  let most = 0;
  for (const event of events.filter((e) => labelFilter(e.label))) {
    running += event.what === 'start' ? 1 : -1;
    most = Math.max(most, running);
  }
  return most;
};
