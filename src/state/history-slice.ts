import type { StateCreator } from 'zustand/vanilla';
import type { TaskId } from '../plan/types.js';
import type { RunRecord } from './run-history.js';
import type { AppState } from './store.js';

/** Runs kept in memory per task: the detail shows three, the ETA needs the latest. */
export const historyPerTask = 20;

export type HistorySlice = {
  /** Finished runs per task, oldest first, at most `historyPerTask` each. */
  history: Record<TaskId, RunRecord[]>;
  /** Records read back from the history file on start. */
  historyLoaded: (records: readonly RunRecord[]) => void;
  runRecorded: (record: RunRecord) => void;
};

const capped = (list: RunRecord[]): RunRecord[] =>
  list.length > historyPerTask ? list.slice(list.length - historyPerTask) : list;

export const createHistorySlice: StateCreator<AppState, [], [], HistorySlice> = (set) => ({
  history: {},
  historyLoaded: (records) =>
    set((state) => {
      const history: Record<TaskId, RunRecord[]> = { ...state.history };
      for (const record of records)
        history[record.task] = [...(history[record.task] ?? []), record];
      for (const id of Object.keys(history)) history[id] = capped(history[id] ?? []);
      return { history };
    }),
  runRecorded: (record) =>
    set((state) => ({
      history: {
        ...state.history,
        [record.task]: capped([...(state.history[record.task] ?? []), record]),
      },
    })),
});
