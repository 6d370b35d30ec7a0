import type { Plan, Processor, TaskId } from '../../plan/types.js';
import type { AppStore } from '../../state/store.js';
import type { LogBook } from '../../state/log-book.js';
import type { Redact } from '../../state/redact.js';
import type { Executor, Run } from '../executor/executor.js';
import type { LogTailer } from '../logs/log-tailer.js';
import type { ProgressParser } from '../logs/progress-parser.js';

/** One task this console follows: its log, its current run, and the runs still to come. */
export type TaskHandle = {
  logFile: string;
  exitFile: string;
  tailer: LogTailer;
  parser: ProgressParser;
  /** The run in progress; undefined until the first launch succeeds. */
  run?: Run;
  /** Runs still to come after the current one (fill gaps by ranges). */
  remainingRuns: string[][];
  /** A coordinator job: its exit codes have their own meaning (HttpJobExit). */
  isHttpJob: boolean;
  stopRequested: boolean;
  /** Settles once the task's last run has been judged and the handle forgotten. */
  exited: Promise<void>;
  restartAfterExit?: boolean;
};

/** What the parts of the task lifecycle share: one per supervisor. */
export type TaskContext = {
  plan: Plan;
  store: AppStore;
  logBook: LogBook;
  redact: Redact;
  executor: Executor;
  handles: Map<TaskId, TaskHandle>;
  graceMs: number;
  onTaskEnded?: (taskId: TaskId) => void;
  /** Writes a console line into a task's log file. */
  note: (logFile: string, text: string) => void;
  /** Parses lines and hands their progress to the store at once (outside the tick). */
  drain: (taskId: TaskId, handle: TaskHandle, lines: string[]) => void;
  stopTickingIfIdle: () => void;
  /** Starts a task again once its old run has ended (a restart). */
  startAgain: (taskId: TaskId) => void;
};

export const processorOf = (plan: Plan, taskId: TaskId): Processor | undefined => {
  const task = plan.tasks.find((t) => t.id === taskId);
  return plan.processors.find((p) => p.id === task?.processorId);
};
