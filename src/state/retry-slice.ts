import type { StateCreator } from 'zustand/vanilla';
import type { TaskId } from '../plan/types.js';
import type { AppState } from './store.js';

/** An automatic retry waiting for its time (the timer itself lives in the runner). */
export type PendingRetry = {
  /** This is retry `retry` of `of`. */
  retry: number;
  of: number;
  /** When it launches, on the monotonic clock (`monotonicNow`): a wall-clock step moves no retry. */
  at: number;
  /** Why: the run's exit or its failed dates. */
  reason: string;
  /** Exit 0 with failed dates: only these are run again; absent: the whole run again. */
  dates?: string[];
};

export type RetrySlice = {
  retries: Record<TaskId, PendingRetry>;
  retryScheduled: (taskId: TaskId, retry: PendingRetry) => void;
  /** Launched, cancelled or dropped: no longer pending. */
  retryCleared: (taskId: TaskId) => void;
};

export const createRetrySlice: StateCreator<AppState, [], [], RetrySlice> = (set) => ({
  retries: {},
  retryScheduled: (taskId, retry) => set((s) => ({ retries: { ...s.retries, [taskId]: retry } })),
  retryCleared: (taskId) =>
    set((s) => {
      if (!s.retries[taskId]) return {};
      const { [taskId]: _cleared, ...rest } = s.retries;
      return { retries: rest };
    }),
});

/** `retry 2/3 in 45s`, or '' when none is pending; `now` is `monotonicNow()`. */
export const retryLabel = (state: Pick<AppState, 'retries'>, taskId: TaskId, now: number): string =>
  retryText(state.retries[taskId], now);

/** The same for a retry already looked up: a table row holds its own and ticks with the clock. */
export const retryText = (retry: PendingRetry | undefined, now: number): string =>
  retry
    ? `retry ${retry.retry}/${retry.of} in ${Math.max(0, Math.ceil((retry.at - now) / 1000))}s`
    : '';
