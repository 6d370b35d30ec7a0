import { describe, expect, it } from 'vitest';
import type { CoverageCell } from '../../src/state/coverage-slice.js';
import {
  CellState,
  cellState,
  coveragePercent,
  runAndDataDisagree,
} from '../../src/state/coverage-state.js';
import { emptyProgress } from '../../src/state/progress.js';
import { TaskStatus } from '../../src/state/task-status.js';
import type { TaskRuntime } from '../../src/state/tasks-slice.js';

const expectedDates = ['2022-04-16', '2022-04-17', '2022-04-19', '2022-04-20'];

const cell = (change: Partial<CoverageCell> = {}): CoverageCell => ({
  missing: [],
  expectedDates: [],
  refreshing: false,
  ...change,
});

const complete = cell({ covered: 4, expected: 4, expectedDates });
const partial = cell({ covered: 3, expected: 4, expectedDates, missing: ['2022-04-17'] });
const missing = cell({ covered: 0, expected: 4, expectedDates, missing: expectedDates });

const endedAt = 1_700_000_000_000;
const task = (status: TaskRuntime['status'], change: Partial<TaskRuntime> = {}): TaskRuntime => ({
  status,
  attempt: 1,
  startedAt: endedAt - 60_000,
  endedAt,
  progress: emptyProgress,
  ...change,
});

describe('cellState', () => {
  it('is complete when no expected date is missing', () => {
    expect(cellState(complete)).toBe(CellState.complete);
  });

  it('is complete when the window expects no dates at all', () => {
    expect(cellState(cell({ covered: 0, expected: 0 }))).toBe(CellState.complete);
  });

  it('is partial when some expected dates are found and some are missing', () => {
    expect(cellState(partial)).toBe(CellState.partial);
  });

  it('is missing when none of the expected dates are found', () => {
    expect(cellState(missing)).toBe(CellState.missing);
  });

  it('is error when the last query failed, even with counts from an earlier one', () => {
    expect(cellState(cell({ error: 'no such table: nba_precompute.x' }))).toBe(CellState.error);
    expect(cellState({ ...complete, error: 'timeout' })).toBe(CellState.error);
  });

  it('is counted when found dates are known but nothing says which are expected', () => {
    expect(cellState(cell({ covered: 12 }))).toBe(CellState.counted);
  });

  it('is unknown before the first answer, also while the first query runs', () => {
    expect(cellState(cell())).toBe(CellState.unknown);
    expect(cellState(cell({ refreshing: true }))).toBe(CellState.unknown);
  });

  it('is untracked for a task with no cell (no coverage declared)', () => {
    expect(cellState(undefined)).toBe(CellState.untracked);
  });
});

describe('coveragePercent', () => {
  it('rounds down, so 44 of 45 never reads as 100%', () => {
    expect(coveragePercent(cell({ covered: 44, expected: 45 }))).toBe(97);
    expect(coveragePercent(cell({ covered: 1, expected: 3 }))).toBe(33);
  });

  it('is 100 for everything and 0 for nothing', () => {
    expect(coveragePercent(complete)).toBe(100);
    expect(coveragePercent(missing)).toBe(0);
  });

  it('is 100 when the window expects no dates', () => {
    expect(coveragePercent(cell({ covered: 0, expected: 0 }))).toBe(100);
  });

  it('is undefined without an expected count', () => {
    expect(coveragePercent(cell({ covered: 12 }))).toBeUndefined();
    expect(coveragePercent(cell())).toBeUndefined();
  });
});

describe('runAndDataDisagree', () => {
  const after = endedAt + 5_000;
  const before = endedAt - 5_000;

  it('flags a succeeded run whose data, refreshed after it ended, is partial', () => {
    expect(runAndDataDisagree(task('succeeded'), { ...partial, refreshedAt: after })).toBe(true);
  });

  it('flags a succeeded run whose data, refreshed after it ended, is missing entirely', () => {
    expect(runAndDataDisagree(task('succeeded'), { ...missing, refreshedAt: after })).toBe(true);
  });

  it('flags a refresh in the same millisecond the run ended', () => {
    expect(runAndDataDisagree(task('succeeded'), { ...partial, refreshedAt: endedAt })).toBe(true);
  });

  it('does not flag when the refresh predates the end of the run', () => {
    expect(runAndDataDisagree(task('succeeded'), { ...partial, refreshedAt: before })).toBe(false);
  });

  it('does not flag a cell that was never refreshed', () => {
    expect(runAndDataDisagree(task('succeeded'), partial)).toBe(false);
  });

  it('does not flag complete data', () => {
    expect(runAndDataDisagree(task('succeeded'), { ...complete, refreshedAt: after })).toBe(false);
  });

  it('does not flag counted or failed queries, where completeness is unknown', () => {
    const counted = cell({ covered: 2, refreshedAt: after });
    const failed = { ...partial, error: 'timeout', refreshedAt: after };
    expect(runAndDataDisagree(task('succeeded'), counted)).toBe(false);
    expect(runAndDataDisagree(task('succeeded'), failed)).toBe(false);
  });

  it('does not flag runs that did not succeed', () => {
    const stale = { ...partial, refreshedAt: after };
    for (const status of [
      TaskStatus.failed,
      TaskStatus.withFailures,
      TaskStatus.killed,
      TaskStatus.running,
      TaskStatus.pending,
    ]) {
      expect(runAndDataDisagree(task(status), stale), status).toBe(false);
    }
  });

  it('does not flag without a task, a cell or an end time', () => {
    const stale = { ...partial, refreshedAt: after };
    expect(runAndDataDisagree(undefined, stale)).toBe(false);
    expect(runAndDataDisagree(task('succeeded'), undefined)).toBe(false);
    expect(runAndDataDisagree(task('succeeded', { endedAt: undefined }), stale)).toBe(false);
  });
});
