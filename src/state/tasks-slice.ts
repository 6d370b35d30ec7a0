import type { StateCreator } from 'zustand/vanilla';
import type { TaskId } from '../plan/types.js';
import type { Progress } from './progress.js';
import { emptyProgress, failureCount } from './progress.js';
import { TaskStatus } from './task-status.js';
import { noteTasksMade } from './task-changes.js';
import type { AppState } from './store.js';
import { datesFailed } from './counted.js';

export type TaskRuntime = {
  status: TaskStatus;
  /** Runs of this task, counted across consoles and headless runs (from the journal). */
  attempt: number;
  pid?: number;
  startedAt?: number;
  endedAt?: number;
  exitCode?: number;
  signal?: string;
  /** Why it failed to start or what ended it, in words. */
  reason?: string;
  /** When a stop escalates to SIGKILL, on the monotonic clock (`monotonicNow` in clock.ts). */
  killAt?: number;
  logFile?: string;
  /** Kernel start time of `pid`: a recycled pid is not mistaken for the task. */
  pidStart?: string;
  /** Where the task's wrapper writes its exit status, read by a console that re-attaches. */
  exitFile?: string;
  progress: Progress;
};

export type TaskOutput = { taskId: TaskId; progress: Progress };

export type TaskExit = {
  exitCode?: number;
  signal?: string;
  endedAt: number;
  /** The log's last error-looking line, shown with a failure. */
  lastError?: string;
  /**
   * The runner's reading of an exit code with a documented meaning (a coordinator job's),
   * used instead of the generic one below.
   */
  judged?: Pick<TaskRuntime, 'status' | 'reason'>;
};

export type TasksSlice = {
  tasks: Record<TaskId, TaskRuntime>;
  /** Bumped once per tick for each task whose log tail grew; panes subscribe to it. */
  logVersion: Record<TaskId, number>;
  taskStarting: (taskId: TaskId, logFile: string) => void;
  taskStarted: (
    taskId: TaskId,
    pid: number,
    startedAt: number,
    process?: { pidStart?: string; exitFile?: string },
  ) => void;
  /** A task a previous console left running, followed again. */
  taskReattached: (taskId: TaskId, previous: TaskRuntime) => void;
  /** A finished task's last run, as the journal recorded it. */
  taskRestored: (taskId: TaskId, previous: TaskRuntime) => void;
  taskStartFailed: (taskId: TaskId, reason: string, at: number) => void;
  outputReceived: (batch: readonly TaskOutput[]) => void;
  taskStopRequested: (taskId: TaskId, killAt: number | undefined) => void;
  taskExited: (taskId: TaskId, exit: TaskExit) => void;
};

const pendingTask: TaskRuntime = {
  status: TaskStatus.pending,
  attempt: 0,
  progress: emptyProgress,
};

export const initialTasks = (taskIds: readonly TaskId[]): Record<TaskId, TaskRuntime> =>
  Object.fromEntries(taskIds.map((id) => [id, pendingTask]));

/** The final status: the exit code alone never makes a run with failed dates a success. */
export const statusOnExit = (
  task: TaskRuntime,
  exit: Omit<TaskExit, 'endedAt'>,
): Pick<TaskRuntime, 'status' | 'reason'> => {
  const stopped = task.status === TaskStatus.stopping;
  if (exit.signal) {
    return {
      status: TaskStatus.killed,
      reason: `${stopped ? 'stopped, ' : ''}killed by ${exit.signal}`,
    };
  }
  if (exit.judged) return exit.judged;
  if (exit.exitCode === undefined) {
    // Its log still tells which dates it did; whether its cells are done is coverage's call.
    return {
      status: TaskStatus.endedUnseen,
      reason: 'ended while no console watched, no exit status recorded: judged by coverage',
    };
  }
  if (stopped) return { status: TaskStatus.killed, reason: `stopped, exit ${exit.exitCode}` };
  if (exit.exitCode !== 0) {
    const shell =
      exit.exitCode === 127
        ? ' (command not found)'
        : exit.exitCode === 126
          ? ' (cannot execute)'
          : '';
    const why = exit.lastError ? `: ${exit.lastError}` : shell;
    return { status: TaskStatus.failed, reason: `exit ${exit.exitCode}${why}` };
  }
  const failed = failureCount(task.progress);
  if (failed > 0) {
    return { status: TaskStatus.withFailures, reason: `exit 0 but ${datesFailed(failed)}` };
  }
  return { status: TaskStatus.succeeded, reason: undefined };
};

/** "1 date failed", "3 dates failed". */

export const createTasksSlice =
  (taskIds: readonly TaskId[]): StateCreator<AppState, [], [], TasksSlice> =>
  (set) => {
    const update = (taskId: TaskId, change: (task: TaskRuntime) => Partial<TaskRuntime>) =>
      set((state) => {
        const task = state.tasks[taskId];
        if (!task) return {};
        const tasks = { ...state.tasks, [taskId]: { ...task, ...change(task) } };
        noteTasksMade(tasks, state.tasks, [taskId]);
        return { tasks };
      });
    return {
      tasks: initialTasks(taskIds),
      logVersion: {},
      taskStarting: (taskId, logFile) =>
        update(taskId, (task) => ({
          status: TaskStatus.starting,
          attempt: task.attempt + 1,
          logFile,
          progress: emptyProgress,
          pid: undefined,
          startedAt: Date.now(),
          endedAt: undefined,
          exitCode: undefined,
          signal: undefined,
          reason: undefined,
          killAt: undefined,
        })),
      taskStarted: (taskId, pid, startedAt, process) =>
        update(taskId, (task) => ({
          status: task.status === TaskStatus.stopping ? task.status : TaskStatus.running,
          pid,
          startedAt,
          pidStart: process?.pidStart,
          exitFile: process?.exitFile,
        })),
      taskReattached: (taskId, previous) =>
        update(taskId, () => ({
          ...previous,
          status: TaskStatus.running,
          killAt: undefined,
          progress: emptyProgress,
        })),
      taskRestored: (taskId, previous) =>
        update(taskId, () => ({ ...previous, killAt: undefined })),
      taskStartFailed: (taskId, reason, at) =>
        update(taskId, () => ({ status: TaskStatus.failed, reason, endedAt: at })),
      outputReceived: (batch) =>
        set((state) => {
          if (batch.length === 0) return {};
          // Only tasks whose progress moved get a new object, so rows of quiet tasks keep
          // their identity and do not re-render.
          let tasks = state.tasks;
          const moved: TaskId[] = [];
          const logVersion = { ...state.logVersion };
          for (const { taskId, progress } of batch) {
            const task = tasks[taskId];
            if (task && task.progress !== progress) {
              if (tasks === state.tasks) tasks = { ...state.tasks };
              tasks[taskId] = { ...task, progress };
              moved.push(taskId);
            }
            logVersion[taskId] = (logVersion[taskId] ?? 0) + 1;
          }
          if (tasks !== state.tasks) noteTasksMade(tasks, state.tasks, moved);
          return { tasks, logVersion };
        }),
      taskStopRequested: (taskId, killAt) =>
        update(taskId, (task) =>
          task.status === TaskStatus.running || task.status === TaskStatus.stopping
            ? { status: TaskStatus.stopping, killAt }
            : {},
        ),
      taskExited: (taskId, exit) =>
        update(taskId, (task) => ({
          ...statusOnExit(task, exit),
          exitCode: exit.exitCode,
          signal: exit.signal,
          endedAt: exit.endedAt,
          killAt: undefined,
        })),
    };
  };
