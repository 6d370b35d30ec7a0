import type { Plan } from '../plan/types.js';
import { processorsInOrder } from '../state/derive.js';
import type { CoverageCell } from '../state/coverage-slice.js';
import { CellState, cellState, coveragePercent } from '../state/coverage-state.js';
import { missingRanges } from '../state/date-ranges.js';
import type { DateRange } from '../state/date-ranges.js';
import type { ThinDate } from '../state/coverage-judge.js';
import { CheckState, checkState } from '../state/checks-slice.js';
import type { CheckCell } from '../state/checks-slice.js';

export type CellReport = {
  processor: string;
  window: string;
  phase: string;
  state: CellState;
  covered: number | null;
  expected: number | null;
  percent: number | null;
  missing: string[];
  missingRanges: DateRange[];
  /** Present with fewer rows than they need: not covered, filled like missing dates. */
  thin: ThinDate[];
  note?: string;
  error?: string;
};

export type CheckReport = {
  id: string;
  title?: string;
  state: CheckState;
  value: number | null;
  min: number | null;
  max: number | null;
  error?: string;
};

export type CoverageReport = {
  plan: string;
  name?: string;
  warehouse: string;
  refreshedAt: string;
  /** Every cell complete and every check passing. */
  complete: boolean;
  counts: Record<CellState, number>;
  cells: CellReport[];
  checks: CheckReport[];
};

/** Every tracked cell in the order of the matrix: phases, processors in dependency order, windows. */
export const coverageReport = (
  plan: Plan,
  coverage: Record<string, CoverageCell>,
  warehouse: string,
  at: Date,
  checkCells: Record<string, CheckCell> = {},
): CoverageReport => {
  const cells: CellReport[] = [];
  for (const processor of processorsInOrder(plan)) {
    for (const window of plan.windows) {
      const cell = coverage[`${processor.id}@${window.id}`];
      if (!cell) continue;
      const state = cellState(cell);
      cells.push({
        processor: processor.id,
        window: window.id,
        phase: processor.phase,
        state,
        covered: cell.covered ?? null,
        expected: cell.expected ?? null,
        percent: state === CellState.error ? null : (coveragePercent(cell) ?? null),
        missing: [...cell.missing],
        missingRanges: missingRanges(cell.expectedDates, new Set(cell.missing)),
        thin: [...(cell.thin ?? [])],
        ...(cell.note !== undefined ? { note: cell.note } : {}),
        ...(cell.error !== undefined ? { error: cell.error } : {}),
      });
    }
  }
  const counts = Object.fromEntries(Object.values(CellState).map((s) => [s, 0])) as Record<
    CellState,
    number
  >;
  for (const cell of cells) counts[cell.state]++;
  const checks: CheckReport[] = plan.checks.map((check) => {
    const cell = checkCells[check.id];
    return {
      id: check.id,
      ...(check.title ? { title: check.title } : {}),
      state: checkState(check, cell),
      value: cell?.value ?? null,
      min: check.min ?? null,
      max: check.max ?? null,
      ...(cell?.error !== undefined ? { error: cell.error } : {}),
    };
  });
  const cellsComplete = cells.length === 0 ? checks.length > 0 : counts.complete === cells.length;
  return {
    plan: plan.file,
    ...(plan.name ? { name: plan.name } : {}),
    warehouse,
    refreshedAt: at.toISOString(),
    complete: cellsComplete && checks.every((c) => c.state === CheckState.pass),
    counts,
    cells,
    checks,
  };
};

/**
 * 0 when every cell is complete and every check passes, 1 when not, 2 when a query (coverage or
 * check) failed.
 */
export const statusExitCode = (report: CoverageReport): 0 | 1 | 2 =>
  report.counts.error > 0 || report.checks.some((c) => c.state === CheckState.error)
    ? 2
    : report.complete
      ? 0
      : 1;
