import type { Plan } from '../plan/types.js';
import { createAppStore } from '../state/store.js';
import type { AppState } from '../state/store.js';
import { readinessOf } from '../state/readiness.js';
import { restoreSession } from '../runner/session/restore-session.js';
import { createLogBook } from '../state/log-book.js';
import type { RunMode, RunPreview } from '../state/run-slice.js';
import { isActive, TaskStatus } from '../state/task-status.js';
import { createSupervisor } from '../runner/tasks/supervisor.js';
import { createScheduler } from '../runner/orchestration/scheduler.js';
import { createCoveragePoller } from '../runner/coverage/coverage-poller.js';
import { openPlanWarehouse } from '../runner/coverage/open-plan-warehouse.js';
import { keepJournal } from '../runner/session/journal-keeper.js';
import { keepHistory } from '../runner/session/history-keeper.js';
import { createNotifier } from '../runner/notify/notifier.js';
import { createRetrier } from '../runner/orchestration/retries.js';
import { acquireStateLock } from '../runner/session/state-lock.js';
import { coverageReport } from './coverage-report.js';
import { planRedactor } from '../runner/logs/redaction.js';
import { formatReport } from './status-command.js';
import { counted } from '../state/counted.js';

export type RunOptions = {
  mode: RunMode;
  processors?: string[];
  windows?: string[];
  dryRun: boolean;
};

/** How often new log lines are printed: often enough to read live, rarely enough to batch. */
const printEveryMs = 100;

/**
 * `backfill-console run`: the plan without a TUI, for scripts and CI. Prints the dry run,
 * then every task's lines prefixed with its id, then the coverage matrix of what it touched.
 * Exit 0 only when every task it ran succeeded and every cell it touched is complete.
 */
export const runHeadless = async (
  plan: Plan,
  options: RunOptions,
  out: NodeJS.WritableStream,
): Promise<number> => {
  const redact = planRedactor(plan);
  const write = (line: string) => out.write(`${redact(line)}\n`);
  const lock = options.dryRun ? undefined : acquireStateLock(plan.stateDir);
  if (lock && !lock.ok) {
    process.stderr.write(
      `backfill-console: another console (pid ${lock.holderPid}) is using ${plan.stateDir}\n`,
    );
    return 2;
  }
  const store = createAppStore(plan);
  const logBook = createLogBook(plan.settings.logTailLines);
  const warehouse = openPlanWarehouse(plan);
  const poller = warehouse ? createCoveragePoller({ plan, store, warehouse }) : undefined;
  const history = options.dryRun ? undefined : keepHistory(plan, store, redact);
  const created = createSupervisor({
    plan,
    store,
    logBook,
    onTaskEnded: (id) => void poller?.refresh([id]),
    redact,
  });
  const tracked = history ? history.track(created) : created;
  const retrier = options.dryRun
    ? undefined
    : createRetrier({ plan, store, control: tracked, coverage: poller });
  const supervisor = retrier ? retrier.track(tracked) : tracked;
  const scheduler = createScheduler({ plan, store, control: supervisor, coverage: poller });
  // What earlier consoles and runs left: attempts go on counting, tasks still running are
  // followed (never started twice), and the journal keeps every task's last run.
  if (!options.dryRun) {
    for (const message of restoreSession(plan, store, logBook, supervisor)) write(message);
  }
  const stopJournal = options.dryRun ? () => undefined : keepJournal(plan.stateDir, store, redact);
  const notifier = options.dryRun
    ? undefined
    : createNotifier({
        plan,
        store,
        terminal: (out as { isTTY?: boolean }).isTTY ? out : undefined,
        redact,
      });
  // A notify command's trouble is printed, as the console shows it as a notice.
  // A milder notice waits behind an error nobody dismisses here: it is printed all the same.
  const stopNotices = store.subscribe((state, before) => {
    for (const [now, was] of [
      [state.notice, before.notice],
      [state.pendingNotice, before.pendingNotice],
    ] as const)
      if (now && now !== was && now.text.startsWith('notify')) write(now.text);
  });
  const cleanUp = async () => {
    // The last run-finished command gets its time (bounded by its timeout) before we exit.
    await notifier?.settled();
    notifier?.dispose();
    stopNotices();
    retrier?.dispose();
    scheduler.dispose();
    supervisor.dispose();
    poller?.dispose();
    stopJournal();
    history?.dispose();
    if (lock?.ok) lock.release();
    await warehouse?.close().catch(() => undefined);
  };
  try {
    void poller?.refreshAll();
    // A run a killed console left going is followed to its end before anything is planned:
    // its dates are then judged by the warehouse, not started a second time beside it.
    if (!options.dryRun && !(await followLeftRunning(plan, store, options, write))) return 130;
    // Planned only from coverage asked after each cell's task last ended.
    const preview = await scheduler.previewWhenFresh(options.mode, {
      processors: options.processors,
      windows: options.windows,
    });
    printPreview(preview, write, options.dryRun);
    if (options.dryRun) return 0;
    if (preview.steps.length === 0) {
      // Nothing to run is success only when everything in scope is already complete.
      return preview.skipped.every((skip) => skip.reason.startsWith('complete')) ? 0 : 1;
    }

    let interrupted = false;
    const onSignal = () => {
      interrupted = true;
      write('interrupted: stopping running tasks…');
      void supervisor.stopAll();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);

    // Lines a restored task showed before this run are not this run's: start after them.
    const printed = new Map<string, number>(
      preview.steps.map((step) => [step.taskId, logBook.ring(step.taskId).end()]),
    );
    const seen = new Map<string, string>();
    const printNew = () => {
      const state = store.getState();
      for (const taskId of preview.steps.map((s) => s.taskId)) {
        const task = state.tasks[taskId];
        if (task && seen.get(taskId) !== task.status) {
          seen.set(taskId, task.status);
          if (task.status !== TaskStatus.pending && task.status !== TaskStatus.starting) {
            write(`[${taskId}] ── ${task.status}${task.reason ? `: ${task.reason}` : ''}`);
          }
        }
        const ring = logBook.ring(taskId);
        let next = printed.get(taskId) ?? ring.first();
        if (next < ring.first()) {
          write(
            `[${taskId}] … ${counted(ring.first() - next, 'line')} not shown (the log file has them)`,
          );
          next = ring.first();
        }
        for (; next < ring.end(); next++) write(`[${taskId}] ${ring.at(next) ?? ''}`);
        printed.set(taskId, next);
      }
    };

    // The run's steps as they were when it ended: the held ones and why are reported after.
    // Kept on every change, not on the print timer: a step held and the run ended between two
    // prints would otherwise be reported as never held (it was, once, on CI).
    let lastSteps: NonNullable<ReturnType<typeof store.getState>['run']>['steps'] = [];
    const keepSteps = store.subscribe((state) => {
      if (state.run) lastSteps = state.run.steps;
    });
    scheduler.start(preview);
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        printNew();
        const state = store.getState();
        // Tasks left running by an earlier console are followed, not waited for, unless a
        // step of this run waits on them (then the run is still going).
        const busy = preview.steps.some((step) =>
          isActive(state.tasks[step.taskId]?.status ?? 'pending'),
        );
        if (!state.run && !busy) {
          clearInterval(timer);
          resolve();
        }
      }, printEveryMs);
    });
    keepSteps();
    printNew();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);

    const touched = preview.steps.map((s) => s.taskId);
    const held = lastSteps.filter((step) => step.state === 'held').map((step) => step.taskId);
    // The reasons below and the matrix after them come from the same, fresh answers.
    await Promise.all([
      poller?.refresh([...new Set([...touched, ...held.flatMap(upstreamsOf(plan))])]),
      poller?.refreshChecks(),
    ]);
    const state = store.getState();
    for (const step of lastSteps) {
      if (step.state === 'skipped') write(`[${step.taskId}] ── ${step.reason ?? 'skipped'}`);
      if (step.state === 'held')
        write(`[${step.taskId}] ── ${notLaunchedReason(state, step.taskId)}`);
    }
    const coverage = Object.fromEntries(
      Object.entries(state.coverage).filter(([id]) => touched.includes(id)),
    );
    if (warehouse) {
      write('');
      out.write(
        formatReport(
          plan,
          coverageReport(plan, coverage, warehouse.description, new Date(), state.checks),
        ),
      );
    }
    const failedTasks = touched.filter((id) => state.tasks[id]?.status !== TaskStatus.succeeded);
    const incomplete = Object.values(coverage).filter(
      (c) =>
        c.error !== undefined ||
        c.missing.length > 0 ||
        (c.thin?.length ?? 0) > 0 ||
        c.covered === undefined,
    );
    write(
      `${touched.length - failedTasks.length}/${touched.length} tasks succeeded` +
        (warehouse
          ? `, ${Object.keys(coverage).length - incomplete.length}/${Object.keys(coverage).length} cells complete`
          : ''),
    );
    if (interrupted) return 130;
    return failedTasks.length === 0 && incomplete.length === 0 ? 0 : 1;
  } finally {
    await cleanUp();
  }
};

/**
 * Waits for the tasks in scope that an earlier console left running, printing how each ends.
 * False when interrupted: they are left running (the next console follows them again).
 */
const followLeftRunning = async (
  plan: Plan,
  store: ReturnType<typeof createAppStore>,
  options: RunOptions,
  write: (line: string) => void,
): Promise<boolean> => {
  const inScope = (taskId: string) => {
    const task = plan.tasks.find((t) => t.id === taskId);
    return (
      task !== undefined &&
      (!options.processors || options.processors.includes(task.processorId)) &&
      (!options.windows || options.windows.includes(task.windowId))
    );
  };
  const running = () =>
    Object.entries(store.getState().tasks)
      .filter(([id, task]) => isActive(task.status) && inScope(id))
      .map(([id]) => id);
  const followed = running();
  if (followed.length === 0) return true;
  write(`following ${followed.length} task(s) left running until they end: ${followed.join(', ')}`);
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    write('interrupted: the tasks left running keep running');
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (interrupted || running().length === 0) {
        clearInterval(timer);
        resolve();
      }
    }, printEveryMs);
  });
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  const tasks = store.getState().tasks;
  for (const id of followed) {
    const task = tasks[id];
    if (task && !isActive(task.status))
      write(`[${id}] ── ${task.status}${task.reason ? `: ${task.reason}` : ''}`);
  }
  return !interrupted;
};

const upstreamsOf =
  (plan: Plan) =>
  (taskId: string): string[] => {
    const [processorId, windowId] = taskId.split('@');
    const processor = plan.processors.find((p) => p.id === processorId);
    return (processor?.dependsOn ?? []).map((d) => `${d}@${windowId}`);
  };

/** Why a step never started, from the state now (not from when it was last held). */
const notLaunchedReason = (state: AppState, taskId: string): string => {
  const readiness = readinessOf(state, taskId);
  if (readiness.ready) return 'not launched';
  return readiness.failedUpstream
    ? `not launched: upstream failed (${readiness.reason})`
    : `not launched: ${readiness.reason}`;
};

const printPreview = (preview: RunPreview, write: (line: string) => void, dryRun: boolean) => {
  write(
    `${dryRun ? 'dry run' : 'plan'} (${preview.mode}): ${counted(preview.steps.length, 'task')} to run, ${preview.skipped.length} skipped`,
  );
  preview.steps.forEach((step, index) => {
    write(
      `${String(index + 1).padStart(3)}. ${step.taskId} · ${step.detail}${step.after.length ? ` (after ${step.after.join(', ')})` : ''}`,
    );
    for (const command of step.commands) write(`       $ ${command}`);
  });
  for (const skip of preview.skipped) write(`  skip ${skip.taskId}: ${skip.reason}`);
};
