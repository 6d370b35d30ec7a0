import type { StateCreator } from 'zustand/vanilla';
import type { TaskId } from '../plan/types.js';
import type { AppState } from './store.js';

/** all: what is not complete, whole windows; gaps: only missing dates; everything: all, again. */
export type RunMode = 'all' | 'gaps' | 'everything';

export type RunScope = { processors?: string[]; windows?: string[]; tasks?: TaskId[] };

export type RunStep = {
  taskId: TaskId;
  /** Argv of each run of the task, in order. */
  runs: string[][];
  /** Game dates, for an http processor. */
  dates?: string[];
  /** The commands as the operator reads them. */
  commands: string[];
  detail: string;
  /** Steps of this run it waits for. */
  after: TaskId[];
  /**
   * Fill gaps: the dates this step was planned to fill. At launch only those still missing
   * are run; none left drops the step.
   */
  gapDates?: string[];
};

export type RunPreview = {
  mode: RunMode;
  steps: RunStep[];
  skipped: { taskId: TaskId; reason: string }[];
};

/** skipped: dropped at launch, because coverage answered in the meantime that it is complete. */
export type StepState = 'queued' | 'launched' | 'done' | 'held' | 'skipped';

/** A dry run being prepared: the cells it decides from are being asked first. */
export type PreviewAsking = {
  mode: RunMode;
  scope?: RunScope;
  /** Cells in scope whose coverage is fresh, of `cells`. */
  fresh: number;
  cells: number;
};

export type RunSlice = {
  /** The run the scheduler is carrying out, if any. */
  run:
    | {
        mode: RunMode;
        paused: boolean;
        steps: { taskId: TaskId; state: StepState; reason?: string }[];
      }
    | undefined;
  /** A dry-run waiting for the operator's yes. */
  preview: RunPreview | undefined;
  /** A dry run asked for whose cells are still being asked (shown instead of the preview). */
  previewAsking: PreviewAsking | undefined;
  /** The dry run is ready (or dismissed, with undefined); the asking ends either way. */
  runPreviewed: (preview: RunPreview | undefined) => void;
  previewAsked: (asking: PreviewAsking) => void;
  runStarted: (mode: RunMode, taskIds: TaskId[]) => void;
  runStepChanged: (taskId: TaskId, state: StepState, reason?: string) => void;
  runPauseToggled: () => void;
  runEnded: () => void;
};

export const createRunSlice: StateCreator<AppState, [], [], RunSlice> = (set) => ({
  run: undefined,
  preview: undefined,
  previewAsking: undefined,
  runPreviewed: (preview) => set({ preview, previewAsking: undefined }),
  previewAsked: (previewAsking) => set({ preview: undefined, previewAsking }),
  runStarted: (mode, taskIds) =>
    set({
      run: { mode, paused: false, steps: taskIds.map((taskId) => ({ taskId, state: 'queued' })) },
    }),
  runStepChanged: (taskId, state, reason) =>
    set((s) => {
      if (!s.run) return {};
      const steps = s.run.steps.map((step) =>
        step.taskId === taskId ? { taskId, state, reason } : step,
      );
      return { run: { ...s.run, steps } };
    }),
  runPauseToggled: () => set((s) => (s.run ? { run: { ...s.run, paused: !s.run.paused } } : {})),
  runEnded: () => set({ run: undefined }),
});
