import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
} from 'node:fs';
import path from 'node:path';
import type { Plan, TaskId } from '../../plan/types.js';
import { substituteArgv } from '../../plan/substitute.js';
import type { AppStore } from '../../state/store.js';
import type { LogBook } from '../../state/log-book.js';
import type { StartOptions, TaskControl } from '../../state/services.js';
import type { TaskExit, TaskOutput } from '../../state/tasks-slice.js';
import { isActive } from '../../state/task-status.js';
import { isGroupAlive, terminateGroup } from '../process/process-group.js';
import { createLogTailer } from '../logs/log-tailer.js';
import type { LogTailer } from '../logs/log-tailer.js';
import { createProgressParser } from '../logs/progress-parser.js';
import { logFileName } from '../logs/log-files.js';
import { lastErrorLine } from '../logs/error-hint.js';
import { appendToOwnFile } from '../process/append-file.js';
import { spawnCommand } from '../process/spawn-command.js';
import { isSameProcess } from '../process/proc-info.js';
import { exitFromWrapperCode } from '../process/task-wrapper.js';
import type { JournalTask } from '../session/journal.js';
import { noSecrets } from '../../state/redact.js';
import type { Redact } from '../../state/redact.js';
import { runCoordinatorJob } from '../coordinator/job.js';
import type { HttpJobConfig } from '../coordinator/job.js';

type Handle = {
  /** Process group of the current run (the wrapper's pid). */
  pid: number;
  pidStart: string | undefined;
  logFile: string;
  exitFile: string;
  tailer: LogTailer;
  parser: ReturnType<typeof createProgressParser>;
  /** Runs still to come after the current one (fill gaps by ranges). */
  remainingRuns: string[][];
  /** A re-attached task: not our child, so its end is seen by polling. */
  attached: boolean;
  /** An in-process http job (the prediction coordinator): stopped by aborting it. */
  job?: AbortController;
  stop?: ReturnType<typeof terminateGroup>;
  exited: Promise<void>;
  restartAfterExit?: boolean;
  finishing?: boolean;
};

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
};

export type Supervisor = TaskControl & {
  /** Follows a task a previous console left running (from the journal). */
  attach: (taskId: TaskId, journal: JournalTask) => void;
  /** Stops the ingest tick; running tasks are left alone (callers stop them first, or leave them). */
  dispose: () => void;
};

const consolePrefix = '[backfill-console]';

export const createSupervisor = ({
  plan,
  store,
  logBook,
  tickMs = 33,
  onTaskEnded,
  redact = noSecrets,
}: SupervisorOptions): Supervisor => {
  const handles = new Map<TaskId, Handle>();
  const graceMs = plan.settings.stopGraceSeconds * 1000;
  let tick: NodeJS.Timeout | undefined;

  /** Console events go into the task's log file, so the log tells the whole story. */
  const note = (logFile: string, text: string) => {
    try {
      // A task's last line may have no newline yet: the console's line must not join it.
      const separator = endsWithNewline(logFile) ? '' : '\n';
      appendToOwnFile(logFile, `${separator}${consolePrefix} ${redact(text)}\n`);
    } catch {
      // A disk problem shows where the spawn fails; the task itself is unaffected.
    }
  };

  const ingest = (taskId: TaskId, handle: Handle, lines: string[], batch: TaskOutput[]) => {
    if (lines.length === 0) return;
    for (const line of lines) handle.parser.feed(line);
    // Without secrets, no per-tick copy of every line.
    logBook.ring(taskId).append(redact === noSecrets ? lines : lines.map(redact));
    batch.push({ taskId, progress: handle.parser.snapshot() });
  };

  const drain = (taskId: TaskId, handle: Handle, lines: string[]) => {
    const batch: TaskOutput[] = [];
    ingest(taskId, handle, lines, batch);
    if (batch.length > 0) store.getState().outputReceived(batch);
  };

  const onTick = () => {
    const batch: TaskOutput[] = [];
    for (const [taskId, handle] of handles) {
      ingest(taskId, handle, handle.tailer.readNew(), batch);
      if (handle.attached && !handle.finishing && !isSameProcess(handle.pid, handle.pidStart)) {
        handle.finishing = true;
        void finish(taskId, handle, readExitFile(handle.exitFile));
      }
    }
    if (batch.length > 0) store.getState().outputReceived(batch);
  };

  const ensureTicking = () => {
    tick ??= setInterval(onTick, tickMs);
  };
  const stopTickingIfIdle = () => {
    // No wake-ups at all while nothing runs: idle costs nothing.
    if (handles.size === 0 && tick) {
      clearInterval(tick);
      tick = undefined;
    }
  };

  /** Records the end of a task's last run: drain, judge, take down stragglers, forget. */
  const finish = async (taskId: TaskId, handle: Handle, exit: Omit<TaskExit, 'endedAt'>) => {
    const endedAt = Date.now();
    // Drain before judging: the summary block with the failed dates is usually last.
    drain(taskId, handle, handle.tailer.finish());
    const lastError = exit.exitCode ? lastErrorLine(logBook.ring(taskId)) : undefined;
    store.getState().taskExited(taskId, { ...exit, endedAt, lastError });
    const startedAt = store.getState().tasks[taskId]?.startedAt ?? endedAt;
    const summary = exit.signal
      ? `killed by ${exit.signal}`
      : exit.exitCode === undefined
        ? 'ended'
        : `exit ${exit.exitCode}`;
    note(handle.logFile, `${summary} after ${((endedAt - startedAt) / 1000).toFixed(1)} s`);
    onTaskEnded?.(taskId);
    // Grandchildren that outlive the leader belong to the task: take them down too.
    if (!handle.job && isGroupAlive(handle.pid)) {
      if (!handle.stop) {
        note(
          handle.logFile,
          `processes left in group ${handle.pid}: SIGTERM, SIGKILL in ${graceMs / 1000} s`,
        );
      }
      const stop =
        handle.stop ??
        terminateGroup(handle.pid, graceMs, () =>
          note(handle.logFile, `grace period over: SIGKILL to process group ${handle.pid}`),
        );
      await stop.done;
    }
    drain(taskId, handle, handle.tailer.finish());
    handle.tailer.close();
    handles.delete(taskId);
    stopTickingIfIdle();
    if (handle.restartAfterExit) start(taskId);
  };

  /** Starts one run (one argv) of a task under an existing handle. */
  const launchRun = (taskId: TaskId, handle: Handle, argv: string[]): boolean => {
    const processor = processorOf(taskId);
    const env: NodeJS.ProcessEnv = { ...process.env, PYTHONUNBUFFERED: '1', ...processor?.env };
    note(handle.logFile, `run: ${argv.join(' ')} (cwd ${processor?.resolvedCwd})`);
    const spawned = spawnCommand(argv, {
      cwd: processor?.resolvedCwd ?? plan.dir,
      env,
      logFile: handle.logFile,
      exitFile: handle.exitFile,
    });
    if (!spawned.ok) {
      note(handle.logFile, `cannot start: ${spawned.reason}`);
      logBook.ring(taskId).append([`${consolePrefix} cannot start: ${spawned.reason}`]);
      store.getState().taskStartFailed(taskId, spawned.reason, Date.now());
      store.getState().outputReceived([{ taskId, progress: handle.parser.snapshot() }]);
      return false;
    }
    handle.pid = spawned.pid;
    handle.pidStart = spawned.pidStart;
    // Later runs of a fill-gaps chain keep the task's original start time.
    const startedAt = store.getState().tasks[taskId]?.startedAt ?? Date.now();
    store.getState().taskStarted(taskId, spawned.pid, startedAt, {
      pidStart: spawned.pidStart,
      exitFile: handle.exitFile,
    });
    handle.exited = spawned.child.then(async (result) => {
      const exit =
        result.signal !== undefined
          ? { signal: result.signal }
          : exitFromWrapperCode(result.exitCode ?? 1);
      const next = handle.remainingRuns.shift();
      if (next && exit.exitCode === 0 && !handle.stop) {
        drain(taskId, handle, handle.tailer.readNew(Number.POSITIVE_INFINITY));
        if (launchRun(taskId, handle, next)) return handle.exited;
      }
      await finish(taskId, handle, exit);
    });
    return true;
  };

  const processorOf = (taskId: TaskId) => {
    const task = plan.tasks.find((t) => t.id === taskId);
    return plan.processors.find((p) => p.id === task?.processorId);
  };

  const start = (taskId: TaskId, options: StartOptions = {}) => {
    const task = plan.tasks.find((t) => t.id === taskId);
    const state = store.getState();
    if (!task) return;
    if (handles.has(taskId) || isActive(state.tasks[taskId]?.status ?? 'pending')) {
      state.noticeShown(`${taskId} is already running`, 'warn');
      return;
    }
    const processor = processorOf(taskId);
    const window = plan.windows.find((w) => w.id === task.windowId);
    if (!processor || !window) return;
    const logFile = path.join(plan.stateDir, 'logs', logFileName(taskId, new Date()));
    try {
      mkdirSync(path.dirname(logFile), { recursive: true, mode: 0o700 });
    } catch (error) {
      state.taskStartFailed(
        taskId,
        `cannot create log folder: ${(error as Error).message}`,
        Date.now(),
      );
      return;
    }
    state.taskStarting(taskId, logFile);
    logBook.ring(taskId).clear();
    note(logFile, `attempt ${store.getState().tasks[taskId]?.attempt} of ${taskId}`);
    if (options.note) note(logFile, options.note);

    const runs =
      options.runs ?? (processor.command ? [substituteArgv(processor.command, window)] : []);
    const [first, ...rest] = runs;
    const handle: Handle = {
      pid: 0,
      pidStart: undefined,
      logFile,
      exitFile: `${logFile}.exit`,
      tailer: createLogTailer(logFile),
      parser: createProgressParser(processor.progress),
      remainingRuns: rest,
      attached: false,
      exited: Promise.resolve(),
    };
    if (processor.kind === 'http' && processor.http) {
      handles.set(taskId, handle);
      ensureTicking();
      return launchHttpJob(
        taskId,
        handle,
        processor.http,
        options.dates ?? datesOf(taskId, window),
      );
    }
    if (!first) {
      note(logFile, 'cannot start: nothing to run');
      state.taskStartFailed(taskId, 'nothing to run', Date.now());
      return;
    }
    handles.set(taskId, handle);
    ensureTicking();
    if (!launchRun(taskId, handle, first)) {
      handle.tailer.close();
      handles.delete(taskId);
      stopTickingIfIdle();
    }
  };

  /** The window's expected dates when coverage knows them, else every day of the window. */
  const datesOf = (taskId: TaskId, window: { start: string; end: string }): string[] => {
    const expected = store.getState().coverage[taskId]?.expectedDates ?? [];
    return expected.length > 0 ? [...expected] : everyDay(window.start, window.end);
  };

  /**
   * Runs the coordinator job in this process. Its lines go into the log file like a child's
   * output, so the same tailer, parser and panes serve both kinds of task.
   */
  const launchHttpJob = (
    taskId: TaskId,
    handle: Handle,
    config: HttpJobConfig,
    dates: string[],
  ) => {
    const processor = processorOf(taskId);
    const abort = new AbortController();
    handle.job = abort;
    store
      .getState()
      .taskStarted(taskId, process.pid, store.getState().tasks[taskId]?.startedAt ?? Date.now());
    handle.exited = runCoordinatorJob({
      config,
      dates,
      log: (line) => {
        try {
          appendToOwnFile(handle.logFile, `${line}\n`);
        } catch {
          // the tail still learns the outcome from the result below
        }
      },
      signal: abort.signal,
      env: { ...process.env, ...processor?.env },
      cwd: processor?.resolvedCwd ?? plan.dir,
    }).then(
      (result) =>
        finish(taskId, handle, result.cancelled ? { signal: 'SIGTERM' } : { exitCode: 0 }),
      (error: unknown) => {
        note(handle.logFile, `coordinator job failed: ${(error as Error).message}`);
        return finish(taskId, handle, { exitCode: 1 });
      },
    );
  };

  const attach = (taskId: TaskId, journal: JournalTask) => {
    const processor = processorOf(taskId);
    if (!processor || !journal.logFile || !journal.pid || handles.has(taskId)) return;
    const handle: Handle = {
      pid: journal.pid,
      pidStart: journal.pidStart,
      logFile: journal.logFile,
      exitFile: journal.exitFile ?? `${journal.logFile}.exit`,
      // From the start of the file: the progress of the run so far is rebuilt from its log.
      tailer: createLogTailer(journal.logFile),
      parser: createProgressParser(processor.progress),
      remainingRuns: [],
      attached: true,
      exited: Promise.resolve(),
    };
    handles.set(taskId, handle);
    store.getState().taskReattached(taskId, journal);
    note(handle.logFile, `re-attached by a new console (pid ${process.pid})`);
    handle.exited = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (!handles.has(taskId)) {
          clearInterval(check);
          resolve();
        }
      }, 50);
    });
    ensureTicking();
  };

  const stop = (taskId: TaskId) => {
    const handle = handles.get(taskId);
    if (!handle || handle.stop) return;
    handle.remainingRuns = [];
    if (handle.job) {
      note(handle.logFile, 'stop requested: cancelling the coordinator job');
      handle.job.abort();
      store.getState().taskStopRequested(taskId, undefined);
      return;
    }
    note(
      handle.logFile,
      `stop requested: SIGTERM to process group ${handle.pid}, SIGKILL in ${graceMs / 1000} s`,
    );
    handle.stop = terminateGroup(handle.pid, graceMs, () =>
      note(handle.logFile, `grace period over: SIGKILL to process group ${handle.pid}`),
    );
    store.getState().taskStopRequested(taskId, Date.now() + graceMs);
  };

  const kill = (taskId: TaskId) => {
    const handle = handles.get(taskId);
    if (!handle) return;
    handle.remainingRuns = [];
    if (handle.job) return stop(taskId);
    note(handle.logFile, `kill requested: SIGKILL to process group ${handle.pid}`);
    handle.stop ??= terminateGroup(handle.pid, 0);
    handle.stop.killNow();
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
      if (tick) clearInterval(tick);
      tick = undefined;
    },
  };
};

/** The status a task's wrapper wrote when it ended; unknown if it was killed outright. */
const readExitFile = (file: string): Omit<TaskExit, 'endedAt'> => {
  if (!existsSync(file)) return {};
  const code = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(code) ? exitFromWrapperCode(code) : {};
};

/** Every calendar day from start to end, inclusive. */
const everyDay = (start: string, end: string): string[] => {
  const days: string[] = [];
  for (
    let day = new Date(`${start}T00:00:00Z`);
    day.toISOString().slice(0, 10) <= end;
    day.setUTCDate(day.getUTCDate() + 1)
  ) {
    days.push(day.toISOString().slice(0, 10));
  }
  return days;
};

/** Whether a file is empty or ends with a newline (read of its last byte only). */
const endsWithNewline = (file: string): boolean => {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    if (size === 0) return true;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } catch {
    return true;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
};
