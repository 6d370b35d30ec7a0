import { readFileSync } from 'node:fs';
import { processStartTime } from './proc-info.js';

/** The wrapper's pid file sits beside its exit file: `<run>.log.pid` next to `<run>.log.exit`. */
export const pidFileOf = (exitFile: string): string =>
  `${exitFile.endsWith('.exit') ? exitFile.slice(0, -'.exit'.length) : exitFile}.pid`;

/** What a run's pid file says, checked against /proc. */
export type RecordedRun =
  /** The wrapper named in the file is alive and is this run's (its environment says so). */
  | { kind: 'alive'; pid: number; pidStart: string }
  /** The file names a process that has ended (or a recycled pid that is not this run). */
  | { kind: 'ended'; pid: number }
  /** No readable pid file: the run was never spawned, or its file could not be written. */
  | { kind: 'none' };

/**
 * The run its own files describe, whatever the journal says: a console killed between
 * spawning a run and recording it leaves the next console only this to go on. A pid is taken
 * as this run's only while that process's environment names this run's exit file, so a pid
 * the kernel has handed to another process is never adopted.
 */
export const recordedRun = (exitFile: string): RecordedRun => {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFileOf(exitFile), 'utf8').trim());
  } catch {
    return { kind: 'none' };
  }
  if (!Number.isInteger(pid) || pid <= 0) return { kind: 'none' };
  const pidStart = processStartTime(pid);
  if (pidStart === undefined || !environmentNames(pid, `BACKFILL_EXIT_FILE=${exitFile}`)) {
    return { kind: 'ended', pid };
  }
  // Read again: the process may have ended, and its pid been reused, while we looked.
  return processStartTime(pid) === pidStart
    ? { kind: 'alive', pid, pidStart }
    : { kind: 'ended', pid };
};

const environmentNames = (pid: number, entry: string): boolean => {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(entry);
  } catch {
    return false;
  }
};
