import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { Redact } from '../../state/redact.js';
import { appendToOwnFile } from '../process/append-file.js';

export const consolePrefix = '[backfill-console]';

/** Console events go into the task's log file, so the log tells the whole story. */
export const createNote =
  (redact: Redact) =>
  (logFile: string, text: string): void => {
    try {
      // A task's last line may have no newline yet: the console's line must not join it.
      const separator = endsWithNewline(logFile) ? '' : '\n';
      appendToOwnFile(logFile, `${separator}${consolePrefix} ${redact(text)}\n`);
    } catch {
      // A disk problem shows where the spawn fails; the task itself is unaffected.
    }
  };

/** Whether a file is empty or ends with a newline (read of its last byte only). */
const endsWithNewline = (file: string): boolean => {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    if (size === 0) return true;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } catch {
    return true;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
};
