import { readFileSync } from 'node:fs';

/**
 * The kernel's start time of a process (clock ticks since boot). A pid with a different start
 * time is another process that reused the number: never mistaken for our task.
 */
export const processStartTime = (pid: number): string | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z') return undefined;
    // Field 22 of stat; fields here start at field 3 (state).
    return fields[19];
  } catch {
    return undefined;
  }
};

/** Alive and still the same process we started. */
export const isSameProcess = (pid: number, startTime: string | undefined): boolean =>
  startTime !== undefined && processStartTime(pid) === startTime;
