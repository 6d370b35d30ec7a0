import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Processor, TaskId } from '../../plan/types.js';
import { substituteArgv } from '../../plan/substitute.js';
import type { StartOptions } from '../../state/services.js';
import { isActive } from '../../state/task-status.js';
import { createLogTailer } from '../logs/log-tailer.js';
import { createProgressParser } from '../logs/progress-parser.js';
import { logFileName } from '../logs/log-files.js';
import { datesOf, httpJobArgv } from './http-job-run.js';
import { processorOf } from './task-handle.js';
import type { TaskContext, TaskHandle } from './task-handle.js';

export const newHandle = (logFile: string, exitFile: string, processor: Processor): TaskHandle => ({
  logFile,
  exitFile,
  // From the start of the file: a re-attached run's progress so far is rebuilt from its log.
  tailer: createLogTailer(logFile),
  parser: createProgressParser(processor.progress),
  remainingRuns: [],
  isHttpJob: processor.kind === 'http',
  stopRequested: false,
  exited: Promise.resolve(),
});

/**
 * Everything before the first launch: the checks, a new attempt in a new log file, and the
 * runs to make (a chain of argvs, or one coordinator job process). Undefined when the task
 * cannot start; the store has been told why.
 */
export const prepareStart = (
  ctx: TaskContext,
  taskId: TaskId,
  options: StartOptions,
): { handle: TaskHandle; firstRun: string[] } | undefined => {
  const { plan, store } = ctx;
  const task = plan.tasks.find((t) => t.id === taskId);
  const state = store.getState();
  if (!task) return undefined;
  if (ctx.handles.has(taskId) || isActive(state.tasks[taskId]?.status ?? 'pending')) {
    state.noticeShown(`${taskId} is already running`, 'warn');
    return undefined;
  }
  const processor = processorOf(plan, taskId);
  const window = plan.windows.find((w) => w.id === task.windowId);
  if (!processor || !window) return undefined;
  const logFile = path.join(plan.stateDir, 'logs', logFileName(taskId, new Date()));
  const cannotStart = (reason: string) => {
    ctx.note(logFile, `cannot start: ${reason}`);
    state.taskStartFailed(taskId, reason, Date.now());
    return undefined;
  };
  try {
    mkdirSync(path.dirname(logFile), { recursive: true, mode: 0o700 });
  } catch (error) {
    const reason = `cannot create log folder: ${(error as Error).message}`;
    state.taskStartFailed(taskId, reason, Date.now());
    return undefined;
  }
  state.taskStarting(taskId, logFile);
  ctx.logBook.ring(taskId).clear();
  ctx.note(logFile, `attempt ${store.getState().tasks[taskId]?.attempt} of ${taskId}`);
  if (options.note) ctx.note(logFile, options.note);

  let runs: string[][];
  try {
    runs =
      processor.kind === 'http' && processor.http
        ? [httpJobArgv(logFile, processor.http, options.dates ?? datesOf(store, taskId, window))]
        : (options.runs ?? (processor.command ? [substituteArgv(processor.command, window)] : []));
  } catch (error) {
    return cannotStart(`cannot prepare the coordinator job: ${(error as Error).message}`);
  }
  const [first, ...rest] = runs;
  if (!first) return cannotStart('nothing to run');
  const handle = newHandle(logFile, `${logFile}.exit`, processor);
  handle.remainingRuns = rest;
  return { handle, firstRun: first };
};
