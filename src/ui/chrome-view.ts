import type { StoreApi } from 'zustand/vanilla';
import type { AppState, AppStore } from '../state/store.js';
import { monotonicNow } from '../state/clock.js';

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

/** What keys change, and task statuses: the operator is waiting for these. */
const operatorFacing = (state: AppState, prev: AppState): boolean =>
  state.mode !== prev.mode ||
  state.view !== prev.view ||
  state.selectedTaskId !== prev.selectedTaskId ||
  state.focus !== prev.focus ||
  state.splitView !== prev.splitView ||
  state.search !== prev.search ||
  state.confirm !== prev.confirm ||
  state.notice !== prev.notice ||
  state.previewScroll !== prev.previewScroll ||
  state.preview !== prev.preview ||
  statusChanged(state, prev);

/**
 * A task started, stopped or ended: rare, and often what a key asked for; the pane title
 * (painted at once) and the table must not disagree. Only progress waits for the budget.
 */
const statusChanged = (state: AppState, prev: AppState): boolean => {
  if (state.tasks === prev.tasks) return false;
  for (const id in state.tasks) {
    const task = state.tasks[id];
    if (task !== prev.tasks[id] && task?.status !== prev.tasks[id]?.status) return true;
  }
  return false;
};

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

  const unsubscribe = store.subscribe((state) => {
    const prev = snapshot;
    if (operatorFacing(state, prev)) return sync();
    if (timer || !chromeChanged(state, prev)) return;
    // Monotonic: a wall clock set back an hour would hold the chrome for that hour.
    const wait = lastSync + budgetMs - monotonicNow();
    if (wait <= 0) sync();
    else timer = setTimeout(sync, wait);
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
