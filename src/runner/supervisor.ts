import { appendFileSync, closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import type { Plan, TaskId } from '../plan/types.js';
import { substituteArgv } from '../plan/substitute.js';
import type { AppStore } from '../state/store.js';
import type { LogBook } from '../state/log-book.js';
import type { TaskControl } from '../state/services.js';
import type { TaskOutput } from '../state/tasks-slice.js';
import { isActive } from '../state/task-status.js';
import { resolveCommand } from './resolve-command.js';
import { terminateGroup } from './process-group.js';
import { createLogTailer } from './log-tailer.js';
import type { LogTailer } from './log-tailer.js';
import { createProgressParser } from './progress-parser.js';
import { logFileName } from './log-files.js';
import { lastErrorLine } from './error-hint.js';

type Handle = {
  pid: number;
  tailer: LogTailer;
  parser: ReturnType<typeof createProgressParser>;
  logFile: string;
  stop?: ReturnType<typeof terminateGroup>;
  exited: Promise<void>;
  restartAfterExit?: boolean;
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
};

export type Supervisor = TaskControl & {
  /** Stops the ingest tick; running tasks are left alone (callers stop them first). */
  dispose: () => void;
};

const consolePrefix = '[backfill-console]';

export const createSupervisor = ({
  plan,
  store,
  logBook,
  tickMs = 33,
  onTaskEnded,
}: SupervisorOptions): Supervisor => {
  const handles = new Map<TaskId, Handle>();
  const graceMs = plan.settings.stopGraceSeconds * 1000;
  let tick: NodeJS.Timeout | undefined;

  /** Console events go into the task's log file and tail, so the log tells the whole story. */
  const note = (taskId: TaskId, logFile: string, text: string) => {
    const line = `${consolePrefix} ${text}`;
    try {
      appendFileSync(logFile, `${line}\n`, { mode: 0o600 });
    } catch {
      // The tail still shows it; a disk problem is reported where the spawn fails.
    }
  };

  const ingest = (taskId: TaskId, handle: Handle, lines: string[], batch: TaskOutput[]) => {
    if (lines.length === 0) return;
    for (const line of lines) handle.parser.feed(line);
    logBook.ring(taskId).append(lines);
    batch.push({ taskId, progress: handle.parser.snapshot() });
  };

  const onTick = () => {
    const batch: TaskOutput[] = [];
    for (const [taskId, handle] of handles) ingest(taskId, handle, handle.tailer.readNew(), batch);
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

  const start = (taskId: TaskId) => {
    const task = plan.tasks.find((t) => t.id === taskId);
    const state = store.getState();
    if (!task) return;
    if (handles.has(taskId) || isActive(state.tasks[taskId]?.status ?? 'pending')) {
      state.noticeShown(`${taskId} is already running`, 'warn');
      return;
    }
    const processor = plan.processors.find((p) => p.id === task.processorId);
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
    const ring = logBook.ring(taskId);
    ring.clear();

    const argv = substituteArgv(processor.command, window);
    const env: NodeJS.ProcessEnv = { ...process.env, PYTHONUNBUFFERED: '1', ...processor.env };
    const [executable = '', ...args] = argv;
    note(
      taskId,
      logFile,
      `attempt ${store.getState().tasks[taskId]?.attempt}: ${argv.join(' ')} (cwd ${processor.resolvedCwd})`,
    );

    const fail = (reason: string) => {
      note(taskId, logFile, `cannot start: ${reason}`);
      ring.append([`${consolePrefix} cannot start: ${reason}`]);
      store.getState().taskStartFailed(taskId, reason, Date.now());
      store
        .getState()
        .outputReceived([{ taskId, progress: store.getState().tasks[taskId]!.progress }]);
    };
    const resolved = resolveCommand(executable, processor.resolvedCwd, env.PATH);
    if (!resolved.ok) return fail(resolved.reason);

    let fd: number;
    try {
      fd = openSync(logFile, 'a', 0o600);
    } catch (error) {
      return fail(`cannot open log file ${logFile}: ${(error as Error).message}`);
    }
    // execa's types admit only the literal descriptors 3-9; any open fd works at run time.
    const logFd = fd as 3;
    const child = execa(resolved.file, args, {
      cwd: processor.resolvedCwd,
      env,
      extendEnv: false,
      // Own process group: stop and kill reach grandchildren, and Ctrl-C in the console's
      // terminal does not hit the tasks directly.
      detached: true,
      stdin: 'ignore',
      stdout: logFd,
      stderr: logFd,
      reject: false,
      cleanup: false,
      buffer: false,
    });
    closeSync(fd); // the child holds its own copy
    const pid = child.pid;
    if (pid === undefined) {
      void child.then((result) => fail(result.originalMessage ?? result.message ?? 'spawn failed'));
      return;
    }

    const handle: Handle = {
      pid,
      logFile,
      tailer: createLogTailer(logFile),
      parser: createProgressParser(processor.progress),
      exited: Promise.resolve(),
    };
    handles.set(taskId, handle);
    store.getState().taskStarted(taskId, pid, Date.now());
    ensureTicking();

    handle.exited = child.then(async (result) => {
      const endedAt = Date.now();
      // Drain before judging: the summary block with the failed dates is usually last.
      const batch: TaskOutput[] = [];
      ingest(taskId, handle, handle.tailer.finish(), batch);
      if (batch.length > 0) store.getState().outputReceived(batch);
      const exit = {
        exitCode: result.exitCode,
        signal: result.signal,
        endedAt,
        lastError: result.exitCode ? lastErrorLine(logBook.ring(taskId)) : undefined,
      };
      store.getState().taskExited(taskId, exit);
      onTaskEnded?.(taskId);
      const summary = exit.signal ? `killed by ${exit.signal}` : `exit ${exit.exitCode}`;
      note(
        taskId,
        logFile,
        `${summary} after ${((endedAt - (store.getState().tasks[taskId]?.startedAt ?? endedAt)) / 1000).toFixed(1)} s`,
      );
      // Grandchildren that outlive the leader belong to the task: take them down too.
      const stop = handle.stop ?? terminateGroup(pid, graceMs);
      await stop.done;
      const tail: TaskOutput[] = [];
      ingest(taskId, handle, handle.tailer.finish(), tail);
      if (tail.length > 0) store.getState().outputReceived(tail);
      handle.tailer.close();
      handles.delete(taskId);
      stopTickingIfIdle();
      if (handle.restartAfterExit) start(taskId);
    });
  };

  const stop = (taskId: TaskId) => {
    const handle = handles.get(taskId);
    if (!handle) return;
    if (handle.stop) return;
    note(
      taskId,
      handle.logFile,
      `stop requested: SIGTERM to process group ${handle.pid}, SIGKILL in ${graceMs / 1000} s`,
    );
    handle.stop = terminateGroup(handle.pid, graceMs, () =>
      note(taskId, handle.logFile, `grace period over: SIGKILL to process group ${handle.pid}`),
    );
    store.getState().taskStopRequested(taskId, Date.now() + graceMs);
  };

  const kill = (taskId: TaskId) => {
    const handle = handles.get(taskId);
    if (!handle) return;
    note(taskId, handle.logFile, `kill requested: SIGKILL to process group ${handle.pid}`);
    handle.stop ??= terminateGroup(handle.pid, 0);
    handle.stop.killNow();
    store.getState().taskStopRequested(taskId, undefined);
  };

  return {
    start,
    stop,
    kill,
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
