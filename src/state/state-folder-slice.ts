import type { StateCreator } from 'zustand/vanilla';
import type { AppState } from './store.js';

/**
 * A write into the state folder (journal, run history, reports) that fails now. It lasts
 * until the journal keeper, which tries again every few seconds, writes the journal again.
 */
export type StateFolderTrouble = {
  folder: string;
  /** ENOSPC or EDQUOT: the operator frees space; anything else needs a look at the folder. */
  diskFull: boolean;
  /** The operator-readable message the notice showed. */
  problem: string;
};

export type StateFolderSlice = {
  stateFolderTrouble: StateFolderTrouble | undefined;
  stateWriteFailed: (trouble: StateFolderTrouble) => void;
  stateWriteRecovered: () => void;
};

export const createStateFolderSlice: StateCreator<AppState, [], [], StateFolderSlice> = (set) => ({
  stateFolderTrouble: undefined,
  stateWriteFailed: (trouble) =>
    set((s) => {
      const now = s.stateFolderTrouble;
      // The same condition again is no change: the header must not re-render per failed write.
      if (now && now.diskFull === trouble.diskFull && now.problem === trouble.problem) return {};
      return { stateFolderTrouble: trouble };
    }),
  stateWriteRecovered: () =>
    set((s) => (s.stateFolderTrouble ? { stateFolderTrouble: undefined } : {})),
});

/** `disk full: .backfill` for the header (the folder's last name), or '' while it takes writes. */
export const stateFolderMark = (trouble: StateFolderTrouble | undefined): string =>
  trouble
    ? `${trouble.diskFull ? 'disk full' : 'cannot write'}: ${trouble.folder.split('/').filter(Boolean).pop() ?? trouble.folder}`
    : '';
