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
  if (cell.missing.length === 0) return CellState.complete;
  return cell.covered === 0 ? CellState.missing : CellState.partial;
};

export const coveragePercent = (cell: CoverageCell): number | undefined =>
  cell.expected
    ? Math.floor(((cell.covered ?? 0) / cell.expected) * 100)
    : cell.expected === 0
      ? 100
      : undefined;

/**
 * A run that "succeeded" while its data is incomplete: exactly how the platform lost data.
 * Only judged on a refresh after the run ended, so a stale cell does not raise a false flag.
 */
export const runAndDataDisagree = (
  task: TaskRuntime | undefined,
  cell: CoverageCell | undefined,
): boolean => {
  if (!task || !cell || task.status !== TaskStatus.succeeded) return false;
  if (
    cell.refreshedAt === undefined ||
    task.endedAt === undefined ||
    cell.refreshedAt < task.endedAt
  )
    return false;
  const state = cellState(cell);
  return state === CellState.partial || state === CellState.missing;
};
