import type { RunMode, RunPreview, RunScope } from './run-slice.js';
import type { TaskId } from '../plan/types.js';
import type { RunKind } from './run-history.js';

export type StartOptions = {
  /** Argv of each run, one after the other (fill gaps by ranges); default: the whole window. */
  runs?: string[][];
  /** Game dates for an http job; default: the window's expected dates. */
  dates?: string[];
  /** Written to the log before the run, e.g. an operator's override of a blocked dependency. */
  note?: string;
  /** What kind of run this is, for the run history. @default 'window' */
  kind?: RunKind;
};

/** What the UI may ask of the supervisor; the runner implements it outside React. */
export type TaskControl = {
  start: (taskId: TaskId, options?: StartOptions) => void;
  /** SIGTERM to the task's process group, SIGKILL after the plan's grace period. */
  stop: (taskId: TaskId) => void;
  /** SIGKILL to the whole group at once. */
  kill: (taskId: TaskId) => void;
  restart: (taskId: TaskId) => void;
  /** Stops every running task and resolves when all have exited. */
  stopAll: () => Promise<void>;
  runningCount: () => number;
};

/** What the UI may ask of the coverage tracker. */
export type CoverageControl = {
  /** Re-runs every validation query; results arrive in the store. */
  refreshAll: () => void;
  /** Where the numbers come from, e.g. "sqlite ./warehouse". */
  description: string;
};

/** What the UI may ask of the scheduler: previews (dry runs) and runs of the plan. */
export type RunControl = {
  /**
   * Asks for exactly what a run would do, without doing it: the store shows the cells being
   * asked (`previewAsking`) until every cell the dry run decides from is fresh, then the
   * dry run (`preview`).
   */
  requestPreview: (mode: RunMode, scope?: RunScope) => void;
  /** Carries out a preview the operator accepted. */
  start: (preview: RunPreview) => void;
  /** Pauses or resumes launching; running tasks are not touched. */
  togglePause: () => void;
  isRunning: () => boolean;
  /**
   * Writes the handoff report to `.backfill/reports/` and says where (a notice). Absent where
   * nothing can write one (tests, headless).
   */
  writeHandoff?: () => void;
};
