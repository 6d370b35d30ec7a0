import type { TaskId } from '../plan/types.js';
import type { AppState } from '../state/store.js';
import { readinessOf } from '../state/readiness.js';
import { TaskStatus } from '../state/task-status.js';

/**
 * Why a task that is not running is not running: queued in a run, held because upstream
 * failed, or waiting for upstream data. A string, so a selector can return it cheaply.
 */
export const pendingLabel = (state: AppState, taskId: TaskId): string => {
  const task = state.tasks[taskId];
  if (task && task.status !== TaskStatus.pending) return '';
  const step = state.run?.steps.find((s) => s.taskId === taskId);
  if (step?.state === 'queued') return 'queued';
  if (step?.state === 'held' && step.reason?.startsWith('not launched')) return 'held';
  const readiness = readinessOf(state, taskId);
  return readiness.ready ? '' : 'waiting';
};

/** The full reason, for the detail line. */
export const pendingReason = (state: AppState, taskId: TaskId): string => {
  if (state.tasks[taskId]?.status !== TaskStatus.pending) return '';
  const step = state.run?.steps.find((s) => s.taskId === taskId);
  if (step?.state === 'held' && step.reason) return step.reason;
  const readiness = readinessOf(state, taskId);
  return readiness.ready ? '' : readiness.reason;
};
