import type { TaskId } from '../plan/types.js';

/** What the UI may ask of the supervisor; the runner implements it outside React. */
export type TaskControl = {
  start: (taskId: TaskId) => void;
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
