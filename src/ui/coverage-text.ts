import type { CoverageCell } from '../state/coverage-slice.js';
import { CellState, cellState, coveragePercent } from '../state/coverage-state.js';
import { counted } from '../state/counted.js';

/** "44/45 97%", "error", "…" while the first query runs, "—" where nothing is tracked. */
export const coverageText = (cell: CoverageCell | undefined): string => {
  const state = cellState(cell);
  if (!cell || state === CellState.untracked) return '—';
  if (state === CellState.error) return 'error';
  if (state === CellState.unknown) return cell.refreshing ? '…' : '?';
  if (state === CellState.counted) return counted(cell.covered ?? 0, 'date');
  return `${cell.covered}/${cell.expected} ${coveragePercent(cell)}%`;
};

/** 18:52:01, for "refreshed at". */
export const clockTime = (at: number): string => new Date(at).toTimeString().slice(0, 8);
