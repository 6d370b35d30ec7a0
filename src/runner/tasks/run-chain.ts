import { statfsSync } from 'node:fs';
import path from 'node:path';
import type { TaskId } from '../../plan/types.js';
import type { Run, RunEnd } from '../executor/executor.js';
import { lastErrorLine } from '../logs/error-hint.js';
import { consolePrefix } from './task-log.js';
import { judgeExit } from './judge-exit.js';
import { processorOf } from './task-handle.js';
import type { TaskContext, TaskHandle } from './task-handle.js';

/** Starts one run (one argv) of a task under its handle; false when it could not start. */
export const launchRun = (
  ctx: TaskContext,
  taskId: TaskId,
  handle: TaskHandle,
  argv: string[],
): boolean => {
  const { plan, store } = ctx;
  const processor = processorOf(plan, taskId);
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONUNBUFFERED: '1', ...processor?.env };
  ctx.note(handle.logFile, `run: ${argv.join(' ')} (cwd ${processor?.resolvedCwd})`);
  const launched = ctx.executor.launch(
    {
      argv,
      cwd: processor?.resolvedCwd ?? plan.dir,
      env,
      logFile: handle.logFile,
      exitFile: handle.exitFile,
    },
    (text) => ctx.note(handle.logFile, text),
  );
  if (!launched.ok) {
    ctx.note(handle.logFile, `cannot start: ${launched.reason}`);
    ctx.logBook.ring(taskId).append([`${consolePrefix} cannot start: ${launched.reason}`]);
    store.getState().taskStartFailed(taskId, launched.reason, Date.now());
    store.getState().outputReceived([{ taskId, progress: handle.parser.snapshot() }]);
    return false;
  }
  const { run } = launched;
  handle.run = run;
  // Later runs of a fill-gaps chain keep the task's original start time.
  const startedAt = store.getState().tasks[taskId]?.startedAt ?? Date.now();
  store.getState().taskStarted(taskId, run.ref.pid, startedAt, {
    pidStart: run.ref.pidStart,
    exitFile: run.ref.exitFile,
  });
  handle.exited = followRun(ctx, taskId, handle, run);
  return true;
};

/** Waits for a run to end, then starts the next run of the chain or finishes the task. */
export const followRun = (
  ctx: TaskContext,
  taskId: TaskId,
  handle: TaskHandle,
  run: Run,
): Promise<void> =>
  run.ended.then(async (end) => {
    const next = handle.remainingRuns.shift();
    if (next && end.exitCode === 0 && !handle.stopRequested) {
      ctx.drain(taskId, handle, handle.tailer.readNew(Number.POSITIVE_INFINITY));
      if (launchRun(ctx, taskId, handle, next)) return handle.exited;
    }
    await finish(ctx, taskId, handle, end);
  });

export const logDiskFull = 'its log could not be written (disk full), lines lost';

/**
 * A processor whose log cannot take its lines (a full state folder) often dies of it, as
 * Python's print() does, and its log cannot say why: the reason says it instead.
 */
const isDiskFull = (logFile: string): boolean => {
  try {
    return statfsSync(path.dirname(logFile)).bavail === 0;
  } catch {
    return false;
  }
};

/** Records the end of a task's last run: drain, judge, take down stragglers, forget. */
const finish = async (ctx: TaskContext, taskId: TaskId, handle: TaskHandle, end: RunEnd) => {
  const { store, logBook } = ctx;
  const endedAt = Date.now();
  // Drain before judging: the summary block with the failed dates is usually last.
  ctx.drain(taskId, handle, handle.tailer.finish());
  const logged = end.exitCode ? lastErrorLine(logBook.ring(taskId)) : undefined;
  const lastError =
    end.exitCode && isDiskFull(handle.logFile)
      ? logged
        ? `${logged} (${logDiskFull})`
        : logDiskFull
      : logged;
  const exit = judgeExit(end, handle.isHttpJob, handle.parser.snapshot(), lastError);
  store.getState().taskExited(taskId, { ...exit, endedAt, lastError });
  const startedAt = store.getState().tasks[taskId]?.startedAt ?? endedAt;
  const summary = end.signal
    ? `killed by ${end.signal}`
    : end.exitCode === undefined
      ? 'ended'
      : `exit ${end.exitCode}`;
  ctx.note(handle.logFile, `${summary} after ${((endedAt - startedAt) / 1000).toFixed(1)} s`);
  ctx.onTaskEnded?.(taskId);
  await handle.run?.release(ctx.graceMs);
  ctx.drain(taskId, handle, handle.tailer.finish());
  handle.tailer.close();
  ctx.handles.delete(taskId);
  ctx.stopTickingIfIdle();
  if (handle.restartAfterExit) ctx.startAgain(taskId);
};
