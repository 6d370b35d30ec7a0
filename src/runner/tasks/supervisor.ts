import type { Plan, TaskId } from '../../plan/types.js';
import type { AppStore } from '../../state/store.js';
import type { LogBook } from '../../state/log-book.js';
import type { StartOptions, TaskControl } from '../../state/services.js';
import { noSecrets } from '../../state/redact.js';
import type { Redact } from '../../state/redact.js';
import type { Executor, RunRef } from '../executor/executor.js';
import { createLocalProcessExecutor } from '../executor/local-process-executor.js';
import type { JournalTask } from '../session/journal.js';
import { createIngestTick } from './ingest-tick.js';
import { followRun, launchRun } from './run-chain.js';
import { createNote } from './task-log.js';
import { processorOf } from './task-handle.js';
import { newHandle, prepareStart } from './start-task.js';
import type { TaskContext, TaskHandle } from './task-handle.js';
import { monotonicNow } from '../../state/clock.js';

export type SupervisorOptions = {
  plan: Plan;
  store: AppStore;
  logBook: LogBook;
  /**
   * One ingest tick for all tasks: lines are read, parsed and handed to the store in one
   * batch per tick, never per chunk. 33 ms pairs with Ink's maxFps 60 for ~30 fps.
   */
  tickMs?: number;
  /** Called once a task's exit is recorded: the coverage tracker re-checks its cells. */
  onTaskEnded?: (taskId: TaskId) => void;
  /** Removes secret values from every line the console writes or shows. */
  redact?: Redact;
  /** How runs are launched and observed; default: local process groups. */
  executor?: Executor;
};

export type Supervisor = TaskControl & {
  /** Follows a task a previous console left running (from the journal). */
  attach: (taskId: TaskId, journal: JournalTask) => void;
  /** Stops the ingest tick; running tasks are left alone (callers stop them first, or leave them). */
  dispose: () => void;
};

/**
 * The task lifecycle: starting a task (a chain of runs, or one coordinator job), stopping it
 * with its countdown, judging how it ended and finishing it. How one run is launched and
 * watched is the executor's business.
 */
export const createSupervisor = ({
  plan,
  store,
  logBook,
  tickMs = 33,
  onTaskEnded,
  redact = noSecrets,
  executor = createLocalProcessExecutor(),
}: SupervisorOptions): Supervisor => {
  const handles = new Map<TaskId, TaskHandle>();
  const tick = createIngestTick({ store, logBook, redact, handles, tickMs });
  const ctx: TaskContext = {
    plan,
    store,
    logBook,
    redact,
    executor,
    handles,
    graceMs: plan.settings.stopGraceSeconds * 1000,
    onTaskEnded,
    note: createNote(redact),
    drain: tick.drain,
    stopTickingIfIdle: tick.stopTickingIfIdle,
    startAgain: (taskId) => start(taskId),
  };
  const start = (taskId: TaskId, options: StartOptions = {}) => {
    const prepared = prepareStart(ctx, taskId, options);
    if (!prepared) return;
    const { handle, firstRun } = prepared;
    handles.set(taskId, handle);
    tick.ensureTicking();
    if (!launchRun(ctx, taskId, handle, firstRun)) {
      handle.tailer.close();
      handles.delete(taskId);
      tick.stopTickingIfIdle();
    }
  };

  const attach = (taskId: TaskId, journal: JournalTask) => {
    const processor = processorOf(plan, taskId);
    if (!processor || !journal.logFile || handles.has(taskId)) return;
    const exitFile = journal.exitFile ?? `${journal.logFile}.exit`;
    const handle = newHandle(journal.logFile, exitFile, processor);
    handles.set(taskId, handle);
    store.getState().taskReattached(taskId, journal);
    const note = (text: string) => ctx.note(handle.logFile, text);
    const ref = runToFollow(executor, journal, exitFile);
    note(
      ref
        ? `re-attached by a new console (pid ${process.pid})`
        : `the last console ended before this run was launched (pid ${process.pid} looked)`,
    );
    // A run never launched has nothing to follow: it ends at once, with no exit status.
    handle.run = executor.attach(ref ?? { pid: 0, pidStart: undefined, exitFile }, note);
    handle.exited = followRun(ctx, taskId, handle, handle.run);
    tick.ensureTicking();
  };

  const stop = (taskId: TaskId) => {
    const handle = handles.get(taskId);
    if (!handle?.run || handle.stopRequested) return;
    handle.stopRequested = true;
    handle.remainingRuns = [];
    void handle.run.stop(ctx.graceMs);
    store.getState().taskStopRequested(taskId, monotonicNow() + ctx.graceMs);
  };

  const kill = (taskId: TaskId) => {
    const handle = handles.get(taskId);
    if (!handle?.run) return;
    handle.stopRequested = true;
    handle.remainingRuns = [];
    handle.run.kill();
    store.getState().taskStopRequested(taskId, undefined);
  };

  return {
    start,
    stop,
    kill,
    attach,
    restart: (taskId) => {
      const handle = handles.get(taskId);
      if (!handle) return start(taskId);
      handle.restartAfterExit = true;
      stop(taskId);
    },
    stopAll: async () => {
      const waits = [...handles].map(([taskId, handle]) => {
        stop(taskId);
        return handle.exited;
      });
      await Promise.all(waits);
    },
    runningCount: () => handles.size,
    dispose: () => {
      tick.dispose();
      for (const handle of handles.values()) handle.run?.detach();
    },
  };
};

/**
 * Which run a new console follows for a task the journal says is active. The run's own pid
 * file wins while its process lives: the journal may name an earlier run of a chain, or no
 * pid at all when the last console died between spawning the run and recording it.
 */
const runToFollow = (
  executor: Executor,
  journal: JournalTask,
  exitFile: string,
): RunRef | undefined => {
  const found = executor.find(exitFile);
  if (found?.alive) return found.ref;
  if (journal.pid) return { pid: journal.pid, pidStart: journal.pidStart, exitFile };
  return found?.ref;
};
