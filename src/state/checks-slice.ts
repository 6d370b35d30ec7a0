import type { StateCreator } from 'zustand/vanilla';
import type { Check } from '../plan/types.js';
import type { AppState } from './store.js';

/** The last answer to one of the plan's success checks. */
export type CheckCell = {
  /** The number the SQL returned; null when it returned no row or NULL. */
  value?: number | null;
  error?: string;
  refreshing: boolean;
  refreshedAt?: number;
};

export type CheckResult = { ok: true; value: number | null } | { ok: false; error: string };

export type ChecksSlice = {
  checks: Record<string, CheckCell>;
  checksRefreshStarted: () => void;
  checkRefreshed: (checkId: string, result: CheckResult, at: number) => void;
};

export const CheckState = {
  pass: 'pass',
  fail: 'fail',
  error: 'error',
  unknown: 'unknown',
} as const;
export type CheckState = (typeof CheckState)[keyof typeof CheckState];

/** Passes when the value is a number within [min, max]; no number (NULL, no row) fails. */
export const checkState = (check: Check, cell: CheckCell | undefined): CheckState => {
  if (!cell) return CheckState.unknown;
  if (cell.error !== undefined) return CheckState.error;
  if (cell.value === undefined) return CheckState.unknown;
  if (cell.value === null) return CheckState.fail;
  const inRange =
    (check.min === undefined || cell.value >= check.min) &&
    (check.max === undefined || cell.value <= check.max);
  return inRange ? CheckState.pass : CheckState.fail;
};

/** `100,000..110,000`, `≥ 130`, `≤ 0` */
export const rangeText = ({ min, max }: { min?: number | null; max?: number | null }): string => {
  const n = (value: number) => value.toLocaleString('en-US');
  if (min != null && max != null) return `${n(min)}..${n(max)}`;
  return min != null ? `≥ ${n(min)}` : `≤ ${n(max ?? 0)}`;
};

const idle: CheckCell = { refreshing: false };

export const createChecksSlice =
  (checks: readonly Check[]): StateCreator<AppState, [], [], ChecksSlice> =>
  (set) => ({
    checks: Object.fromEntries(checks.map((c) => [c.id, idle])),
    checksRefreshStarted: () =>
      set((state) => ({
        checks: Object.fromEntries(
          Object.entries(state.checks).map(([id, cell]) => [id, { ...cell, refreshing: true }]),
        ),
      })),
    checkRefreshed: (checkId, result, at) =>
      set((state) => {
        const cell = state.checks[checkId];
        if (!cell) return {};
        // A failed query keeps the last value for reference, as coverage cells do.
        const next: CheckCell = result.ok
          ? { value: result.value, refreshing: false, refreshedAt: at }
          : { ...cell, error: result.error, refreshing: false, refreshedAt: at };
        return { checks: { ...state.checks, [checkId]: next } };
      }),
  });
