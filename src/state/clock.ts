/**
 * The console's monotonic clock (ms since this process started), for deadlines and intervals
 * inside one process: the stop countdown, a pending retry's due time, a query's duration, the
 * chrome's frame budget. It never moves when the machine's wall clock is set (NTP step, DST
 * on a local clock, an operator's `date -s`). Node's timers already run on it, so SIGKILL
 * after the grace period and a retry's launch were never affected; what the table shows now
 * agrees with them.
 *
 * Wall-clock `Date.now()` stays for what is shown as a time of day or kept across consoles:
 * startedAt, endedAt, the journal, the history, log file names. A running task's elapsed time
 * is `now - startedAt` on the wall clock because it must survive a console restart, where a
 * monotonic reading from another process means nothing; a clock step shifts it by the step.
 */
export const monotonicNow = (): number => performance.now();
