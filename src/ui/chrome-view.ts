import type { StoreApi } from 'zustand/vanilla';
import type { AppState, AppStore } from '../state/store.js';
import { monotonicNow } from '../state/clock.js';
import { changedTaskIds } from '../state/task-changes.js';

/**
 * What the chrome's components read: the store, seen through a frame budget. The ingest tick
 * writes the store every 33 ms while tasks run; a React commit costs a Yoga layout and a
 * tokenized frame, and the log panes do not go through React at all. So the chrome catches
 * up at most every `budgetMs` with data (progress counters, statuses), and at once when the
 * operator did something (a key changes the UI slice).
 */
export type ChromeView = Pick<StoreApi<AppState>, 'getState' | 'getInitialState' | 'subscribe'> & {
  dispose: () => void;
};

/** Progress counters a few times a second (elapsed times tick in the screen writer). */
export const chromeBudgetMs = 200;

/** What keys change: the operator is waiting for these, they show at once. */
const keyFacing = (state: AppState, prev: AppState): boolean =>
  state.mode !== prev.mode ||
  state.view !== prev.view ||
  state.selectedTaskId !== prev.selectedTaskId ||
  state.focus !== prev.focus ||
  state.splitView !== prev.splitView ||
  state.search !== prev.search ||
  state.confirm !== prev.confirm ||
  state.notice !== prev.notice ||
  state.previewScroll !== prev.previewScroll ||
  state.preview !== prev.preview;

/**
 * Task statuses show within a frame: often what a key asked for, and the pane title (painted
 * by the screen writer) and the table must not disagree for long. Not at once each: 50 tasks
 * at once ending and starting made a React commit per change (150 a second in the load
 * drill's 1000 tasks), and keys waited behind them.
 */
export const statusFrameMs = 33;

/** A task started, stopped or ended (only progress waits for the budget). */
const statusChanged = (state: AppState, prev: AppState): boolean =>
  state.tasks !== prev.tasks &&
  changedTaskIds(prev.tasks, state.tasks).some(
    (id) => state.tasks[id]?.status !== prev.tasks[id]?.status,
  );

/** Written on every ingest tick or scroll, shown only in the panes the screen writer paints. */
const paneFields = new Set<string>(['logVersion', 'anchors']);

const chromeChanged = (state: AppState, prev: AppState): boolean => {
  for (const key in state) {
    if (state[key as keyof AppState] !== prev[key as keyof AppState] && !paneFields.has(key))
      return true;
  }
  return false;
};

export const createChromeView = (store: AppStore, budgetMs = chromeBudgetMs): ChromeView => {
  let snapshot = store.getState();
  // Never synced: the first change shows at once (the monotonic clock starts near 0).
  let lastSync = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  const listeners = new Set<(state: AppState, prev: AppState) => void>();

  const sync = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    lastSync = monotonicNow();
    const prev = snapshot;
    snapshot = store.getState();
    if (snapshot !== prev) for (const listener of listeners) listener(snapshot, prev);
  };

  /** Syncs `gapMs` after the last sync at the latest (at once if that is past). */
  let due = Number.POSITIVE_INFINITY;
  const syncWithin = (gapMs: number) => {
    // Monotonic: a wall clock set back an hour would hold the chrome for that hour.
    const at = lastSync + gapMs;
    if (at <= monotonicNow()) return sync();
    if (timer && due <= at) return;
    if (timer) clearTimeout(timer);
    due = at;
    timer = setTimeout(sync, at - monotonicNow());
  };

  const unsubscribe = store.subscribe((state) => {
    const prev = snapshot;
    if (keyFacing(state, prev)) return sync();
    if (statusChanged(state, prev)) return syncWithin(statusFrameMs);
    if (!timer && chromeChanged(state, prev)) syncWithin(budgetMs);
  });

  return {
    getState: () => snapshot,
    getInitialState: () => store.getInitialState(),
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose: () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
};
