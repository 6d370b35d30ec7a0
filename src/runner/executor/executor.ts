/**
 * How one run of a task is launched and observed, apart from the task lifecycle that decides
 * when to launch, chain, stop and judge runs (src/runner/tasks). The local process group is
 * the one implementation; docs/architecture.md describes where a remote one would plug in.
 */

export type RunRequest = {
  argv: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Everything the run prints goes here, appended, whether or not a console is watching. */
  logFile: string;
  /** Where the run's real exit status is recorded for a console that was not watching. */
  exitFile: string;
};

/** What the journal keeps to find a run again after the console restarts. */
export type RunRef = {
  /** For the local executor, the process group (the wrapper's pid). */
  pid: number;
  /** Kernel start time of `pid`: a recycled pid is never mistaken for the run. */
  pidStart: string | undefined;
  exitFile: string;
};

/** How a run ended: a code, a signal, or neither when nothing was recorded. */
export type RunEnd = { exitCode?: number; signal?: string };

export type Run = {
  readonly ref: RunRef;
  /** Settles once the run has ended: awaited for a launched run, watched for an attached one. */
  readonly ended: Promise<RunEnd>;
  isAlive: () => boolean;
  /** Asks the run to end, forcing it after `graceMs`; settles when nothing of it is left. */
  stop: (graceMs: number) => Promise<void>;
  /** Ends it at once. */
  kill: () => void;
  /** After `ended`: takes down what the run left behind (a group's stragglers). */
  release: (graceMs: number) => Promise<void>;
  /** Stops watching without touching the run: the console quits and leaves it running. */
  detach: () => void;
};

export type LaunchResult = { ok: true; run: Run } | { ok: false; reason: string };

export type Executor = {
  /** `note` writes the executor's own events (signals, escalation) into the task's log. */
  launch: (request: RunRequest, note: (text: string) => void) => LaunchResult;
  /** Follows a run a previous console started. */
  attach: (ref: RunRef, note: (text: string) => void) => Run;
  /**
   * The run last launched under `exitFile` as the run's own records tell it, whatever the
   * journal says; undefined when they say nothing (it was never launched).
   */
  find: (exitFile: string) => { ref: RunRef; alive: boolean } | undefined;
};
