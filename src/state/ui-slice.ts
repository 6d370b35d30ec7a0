import type { StateCreator } from 'zustand/vanilla';
import type { TaskId } from '../plan/types.js';
import type { AppState } from './store.js';

export const Mode = {
  normal: 'normal',
  help: 'help',
  confirm: 'confirm',
  search: 'search',
  /** A dry run on screen, waiting for yes or no. */
  preview: 'preview',
} as const;
export type Mode = (typeof Mode)[keyof typeof Mode];

/** Where keys for scrolling go: the task table or one of the log panes. */
export type Focus = { area: 'table' } | { area: 'pane'; index: number };

export type Confirm = {
  prompt: string;
  /** Names the action to run on "y"; the dispatcher owns what it does. */
  actionId: string;
  taskId?: TaskId;
  /** What the question is about, e.g. why a task is blocked; goes into the log on "yes". */
  detail?: string;
};

export type Notice = { text: string; level: 'info' | 'warn' | 'error'; at: number };

export type SearchState = { query: string; draft: string; taskId?: TaskId; matchSeq?: number };

/** The top half of the screen: the task table or the coverage matrix. */
export type View = 'tasks' | 'coverage';

export type UiSlice = {
  mode: Mode;
  view: View;
  selectedTaskId: TaskId | undefined;
  focus: Focus;
  splitView: boolean;
  /** Per task: sequence number of the bottom visible log line, or null to follow new lines. */
  anchors: Record<TaskId, number | null>;
  search: SearchState;
  confirm: Confirm | undefined;
  notice: Notice | undefined;
  /** The latest notice that came while an error was shown: it shows once a key dismisses that. */
  pendingNotice: Notice | undefined;
  /** First line of the dry run shown. */
  previewScroll: number;
  previewScrolled: (delta: number) => void;
  modeChanged: (mode: Mode) => void;
  viewToggled: () => void;
  taskSelected: (taskId: TaskId) => void;
  focusChanged: (focus: Focus) => void;
  splitViewToggled: () => void;
  anchorMoved: (taskId: TaskId, anchor: number | null) => void;
  searchDraftChanged: (draft: string) => void;
  searchMatched: (query: string, taskId: TaskId, matchSeq: number | undefined) => void;
  confirmRequested: (confirm: Confirm) => void;
  confirmClosed: () => void;
  /**
   * Shows a notice. While an error is shown a milder one waits for a key, unless it `settles`
   * that error (its text): "journal written" once the disk that failed it has space again.
   */
  noticeShown: (text: string, level?: Notice['level'], settles?: string) => void;
  noticeCleared: () => void;
};

export const createUiSlice =
  (firstTaskId: TaskId | undefined): StateCreator<AppState, [], [], UiSlice> =>
  (set) => ({
    mode: Mode.normal,
    view: 'tasks',
    selectedTaskId: firstTaskId,
    focus: { area: 'table' },
    splitView: false,
    anchors: {},
    search: { query: '', draft: '' },
    confirm: undefined,
    notice: undefined,
    pendingNotice: undefined,
    previewScroll: 0,
    previewScrolled: (delta) =>
      set((state) => ({ previewScroll: Math.max(0, state.previewScroll + delta) })),
    modeChanged: (mode) => set({ mode }),
    viewToggled: () => set((state) => ({ view: state.view === 'tasks' ? 'coverage' : 'tasks' })),
    taskSelected: (selectedTaskId) => set({ selectedTaskId }),
    focusChanged: (focus) => set({ focus }),
    splitViewToggled: () =>
      set((state) => ({ splitView: !state.splitView, focus: { area: 'table' } })),
    anchorMoved: (taskId, anchor) =>
      set((state) =>
        state.anchors[taskId] === anchor ? {} : { anchors: { ...state.anchors, [taskId]: anchor } },
      ),
    searchDraftChanged: (draft) => set((state) => ({ search: { ...state.search, draft } })),
    searchMatched: (query, taskId, matchSeq) =>
      set((state) => ({
        search: { query, draft: query, taskId, matchSeq },
        mode: Mode.normal,
        anchors: matchSeq === undefined ? state.anchors : { ...state.anchors, [taskId]: matchSeq },
      })),
    confirmRequested: (confirm) => set({ confirm, mode: Mode.confirm }),
    confirmClosed: () => set({ confirm: undefined, mode: Mode.normal }),
    noticeShown: (text, level = 'info', settles) =>
      set((state) => {
        const notice = { text, level, at: Date.now() };
        // An error the operator has not dismissed (a report that could not be written) is not
        // replaced in a blink by the retrier's or the run's next, milder word: that one waits.
        const shown = state.notice;
        if (shown?.level === 'error' && level !== 'error' && shown.text !== settles)
          return { pendingNotice: notice };
        // A waiting notice is older than a milder one that settles the error: it goes too.
        return level === 'error' ? { notice } : { notice, pendingNotice: undefined };
      }),
    noticeCleared: () =>
      set((state) => ({ notice: state.pendingNotice, pendingNotice: undefined })),
  });
