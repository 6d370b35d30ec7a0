import type { StateCreator } from 'zustand/vanilla';
import type { TaskId } from '../plan/types.js';
import type { AppState } from './store.js';
import type { ThinDate } from './coverage-judge.js';

/** What the warehouse says about one processor x window. */
export type CoverageCell = {
  /** Expected dates found in the output table (all dates found when nothing is expected). */
  covered?: number;
  /** How many dates the window should cover; undefined without an expected query. */
  expected?: number;
  /** Expected dates the output table lacks, sorted. */
  missing: readonly string[];
  /** Expected dates present with fewer rows than they need, sorted: not covered either. */
  thin?: readonly ThinDate[];
  /** Said about the answer, e.g. "table does not exist yet" (counted as all missing). */
  note?: string;
  /** The expected dates, sorted: the missing ones are grouped into ranges along them. */
  expectedDates: readonly string[];
  /** The last query's error, in full; the previous counts stay for reference. */
  error?: string;
  refreshing: boolean;
  refreshedAt?: number;
  durationMs?: number;
};

export type CoverageResult =
  | {
      ok: true;
      covered: number;
      expected?: number;
      missing: string[];
      thin?: ThinDate[];
      expectedDates: string[];
      note?: string;
      durationMs: number;
    }
  | { ok: false; error: string; durationMs: number };

export type CoverageSlice = {
  /** Only processors with a `coverage` spec have cells. */
  coverage: Record<TaskId, CoverageCell>;
  coverageRefreshedAt: number | undefined;
  coverageRefreshStarted: (taskIds: readonly TaskId[]) => void;
  coverageCellRefreshed: (taskId: TaskId, result: CoverageResult, at: number) => void;
};

const emptyCell: CoverageCell = { missing: [], expectedDates: [], refreshing: false };

export const createCoverageSlice =
  (trackedTaskIds: readonly TaskId[]): StateCreator<AppState, [], [], CoverageSlice> =>
  (set) => ({
    coverage: Object.fromEntries(trackedTaskIds.map((id) => [id, emptyCell])),
    coverageRefreshedAt: undefined,
    coverageRefreshStarted: (taskIds) =>
      set((state) => {
        const coverage = { ...state.coverage };
        for (const id of taskIds) {
          const cell = coverage[id];
          if (cell && !cell.refreshing) coverage[id] = { ...cell, refreshing: true };
        }
        return { coverage };
      }),
    coverageCellRefreshed: (taskId, result, at) =>
      set((state) => {
        const cell = state.coverage[taskId];
        if (!cell) return {};
        const next: CoverageCell = result.ok
          ? {
              covered: result.covered,
              expected: result.expected,
              missing: result.missing,
              ...(result.thin && result.thin.length > 0 ? { thin: result.thin } : {}),
              expectedDates: result.expectedDates,
              ...(result.note !== undefined ? { note: result.note } : {}),
              refreshing: false,
              refreshedAt: at,
              durationMs: result.durationMs,
            }
          : {
              ...cell,
              error: result.error,
              refreshing: false,
              refreshedAt: at,
              durationMs: result.durationMs,
            };
        return { coverage: { ...state.coverage, [taskId]: next }, coverageRefreshedAt: at };
      }),
  });
