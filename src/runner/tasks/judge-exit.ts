import type { TaskExit } from '../../state/tasks-slice.js';
import { failureCount } from '../../state/progress.js';
import type { Progress } from '../../state/progress.js';
import { TaskStatus } from '../../state/task-status.js';
import { HttpJobExit } from '../coordinator/http-job-spec.js';
import type { RunEnd } from '../executor/executor.js';
import { datesFailed } from '../../state/counted.js';

/**
 * How a run's end reads for the store. A command's exit code has no agreed meaning beyond
 * zero; a coordinator job's codes do (HttpJobExit), so they are judged here.
 */
export const judgeExit = (
  end: RunEnd,
  isHttpJob: boolean,
  progress: Progress,
  lastError: string | undefined,
): Omit<TaskExit, 'endedAt' | 'lastError'> => {
  if (!isHttpJob || end.exitCode === undefined || end.signal) return end;
  const code = end.exitCode;
  switch (code) {
    case HttpJobExit.someDatesFailed:
      return {
        ...end,
        judged: {
          status: TaskStatus.withFailures,
          reason: `exit ${code}: ${datesFailed(Math.max(1, failureCount(progress)))}`,
        },
      };
    case HttpJobExit.stopped:
      return {
        ...end,
        judged: {
          status: TaskStatus.killed,
          reason: `stopped (exit ${code}): no new start sent, a batch in flight left running`,
        },
      };
    case HttpJobExit.authFailed:
      return {
        ...end,
        judged: {
          status: TaskStatus.failed,
          reason: `exit ${code}: no token, nothing sent${lastError ? ` (${lastError})` : ''}`,
        },
      };
    case HttpJobExit.badSpec:
      return {
        ...end,
        judged: {
          status: TaskStatus.failed,
          reason: `exit ${code}: the job cannot run as set up${lastError ? ` (${lastError})` : ''}`,
        },
      };
    default:
      return end;
  }
};
