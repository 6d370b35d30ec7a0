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
  /**
   * Its process ended while no console watched and left no exit status (the wrapper was
   * killed too): neither success nor failure is known, so its cells are judged by coverage.
   */
  endedUnseen: 'ended-unseen',
} as const;

export type TaskStatus = (typeof TaskStatus)[keyof typeof TaskStatus];

export const isActive = (status: TaskStatus): boolean =>
  status === TaskStatus.starting || status === TaskStatus.running || status === TaskStatus.stopping;

export const isFinished = (status: TaskStatus): boolean =>
  status === TaskStatus.succeeded ||
  status === TaskStatus.withFailures ||
  status === TaskStatus.failed ||
  status === TaskStatus.killed ||
  status === TaskStatus.endedUnseen;
