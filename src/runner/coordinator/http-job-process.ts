/**
 * A coordinator (kind: http) job as its own process, started by the console under the same
 * exit-status wrapper as any command, its stdout appended to the task's log file:
 *
 *   node http-job-process.js <spec.json>
 *
 * It outlives the console (quit with "leave running", a crash, a closed terminal) and is
 * re-attached like any task. SIGTERM (the operator's `x`) or SIGINT stops it: no new start is
 * sent, a batch in flight is left running on the coordinator. The exit code says what happened
 * (HttpJobExit). The token is read from auth.env or produced by auth.command here, in this
 * process, and never leaves it: not in argv, the spec, or a log line.
 */
import { writeSync } from 'node:fs';
import { runCoordinatorJob } from './job.js';
import type { CoordinatorJobResult } from './job.js';
import { HttpJobExit, readHttpJobSpec } from './http-job-spec.js';

/** stdout is the log file: one synchronous write per line keeps lines whole and in order. */
const log = (line: string) => {
  writeSync(1, `${line}\n`);
};

const exitCodeOf = (result: CoordinatorJobResult): number => {
  if (result.cancelled) return HttpJobExit.stopped;
  if (result.notStarted === 'auth') return HttpJobExit.authFailed;
  if (result.notStarted === 'config') return HttpJobExit.badSpec;
  return result.failed.length > 0 ? HttpJobExit.someDatesFailed : HttpJobExit.complete;
};

const main = async (): Promise<number> => {
  const specFile = process.argv[2];
  let spec;
  try {
    if (!specFile) throw new Error('usage: http-job-process.js <spec.json>');
    spec = readHttpJobSpec(specFile);
  } catch (error) {
    log(`coordinator job cannot start: ${(error as Error).message}`);
    return HttpJobExit.badSpec;
  }
  const stop = new AbortController();
  const onStop = (signal: NodeJS.Signals) => {
    if (!stop.signal.aborted) log(`${signal} received: stopping, no new batch will be started`);
    stop.abort();
  };
  process.on('SIGTERM', onStop);
  process.on('SIGINT', onStop);
  // Its own session has no terminal to lose; a stray SIGHUP must not end a long job either.
  process.on('SIGHUP', () => undefined);
  try {
    const result = await runCoordinatorJob({
      config: spec.config,
      dates: spec.dates,
      log,
      signal: stop.signal,
      env: process.env,
      cwd: process.cwd(),
    });
    return exitCodeOf(result);
  } catch (error) {
    log(`coordinator job failed: ${(error as Error).message}`);
    return HttpJobExit.crashed;
  }
};

// Exit at once: an idle keep-alive socket must not hold a finished job open.
process.exit(await main());
