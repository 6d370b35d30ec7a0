import type { CoverageCell } from './coverage-slice.js';
import type { TaskRuntime } from './tasks-slice.js';
import { TaskStatus } from './task-status.js';

export const CellState = {
  complete: 'complete',
  partial: 'partial',
  missing: 'missing',
  error: 'error',
  /** No expected query: dates found are counted, completeness is unknown. */
  counted: 'counted',
  unknown: 'unknown',
  untracked: 'untracked',
} as const;
export type CellState = (typeof CellState)[keyof typeof CellState];

export const cellState = (cell: CoverageCell | undefined): CellState => {
  if (!cell) return CellState.untracked;
  if (cell.error !== undefined) return CellState.error;
  if (cell.covered === undefined) return CellState.unknown;
  if (cell.expected === undefined) return CellState.counted;
  const thin = cell.thin?.length ?? 0;
  if (cell.missing.length === 0 && thin === 0) return CellState.complete;
  return cell.covered === 0 && thin === 0 ? CellState.missing : CellState.partial;
};

export const coveragePercent = (cell: CoverageCell): number | undefined =>
  cell.expected
    ? Math.floor(((cell.covered ?? 0) / cell.expected) * 100)
    : cell.expected === 0
      ? 100
      : undefined;

/**
 * Whether a cell's coverage can be decided from: it was asked after the last end of the
 * cell's task (an answer to a query sent while the task ran, or before it ended, is stale).
 * A cell without coverage has nothing to ask and is always fresh.
 */
export const isFresh = (
  cell: CoverageCell | undefined,
  task: Pick<TaskRuntime, 'endedAt'> | undefined,
): boolean => {
  if (!cell) return true;
  if (cell.refreshedAt === undefined) return false;
  return task?.endedAt === undefined || cell.refreshedAt >= task.endedAt;
};

/** The cells among `taskIds` whose coverage is stale, in the order given. */
export const staleCells = (
  state: { coverage: Record<string, CoverageCell>; tasks: Record<string, TaskRuntime> },
  taskIds: readonly string[],
): string[] => taskIds.filter((id) => !isFresh(state.coverage[id], state.tasks[id]));

/**
 * A run that "succeeded" while its data is incomplete: exactly how the platform lost data.
 * Only judged on a refresh after the run ended, so a stale cell does not raise a false flag.
 */
export const runAndDataDisagree = (
  task: TaskRuntime | undefined,
  cell: CoverageCell | undefined,
): boolean => {
  if (!task || !cell || task.status !== TaskStatus.succeeded) return false;
  if (task.endedAt === undefined || !isFresh(cell, task)) return false;
  const state = cellState(cell);
  return state === CellState.partial || state === CellState.missing;
};
