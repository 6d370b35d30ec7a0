export const TaskStatus = {
  pending: 'pending',
  starting: 'starting',
  running: 'running',
  stopping: 'stopping',
  succeeded: 'succeeded',
  /** Exit 0 while the log reported failed dates: the real scripts' trap. */
  withFailures: 'with-failures',
  failed: 'failed',
  killed: 'killed',
} as const;

export type TaskStatus = (typeof TaskStatus)[keyof typeof TaskStatus];

export const isActive = (status: TaskStatus): boolean =>
  status === TaskStatus.starting || status === TaskStatus.running || status === TaskStatus.stopping;

export const isFinished = (status: TaskStatus): boolean =>
  status === TaskStatus.succeeded ||
  status === TaskStatus.withFailures ||
  status === TaskStatus.failed ||
  status === TaskStatus.killed;
