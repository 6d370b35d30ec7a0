import { closeSync, fsyncSync, ftruncateSync, fstatSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { StateFolderTrouble } from '../../state/state-folder-slice.js';

const diskFullCodes = new Set(['ENOSPC', 'EDQUOT']);

/**
 * What the operator reads when a write into the state folder fails: which folder, what was
 * lost and what to do, instead of a bare `ENOSPC: no space left on device, write`.
 */
export const stateWriteProblem = (
  folder: string,
  what: string,
  error: unknown,
): StateFolderTrouble => {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const where = path.relative(process.cwd(), folder) || folder;
  if (diskFullCodes.has(code))
    return {
      folder,
      diskFull: true,
      problem: `disk full: cannot write ${what} in ${where}; free space there (tasks keep running, lines their logs there cannot take are lost)`,
    };
  return {
    folder,
    diskFull: false,
    problem: `cannot write ${what} in ${where}: ${(error as Error).message}`,
  };
};

/**
 * Writes all of `data`: a write on a filling disk can take part of it and fail only on the
 * next call, and `writeSync` makes one call. Then fsync (unless the caller syncs in the
 * background), so a rename or a return after it means the bytes are on disk.
 */
export const writeAllSync = (fd: number, data: string, options = { fsync: true }): void => {
  const bytes = Buffer.from(data);
  for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done);
  if (options.fsync) fsyncSync(fd);
};

/**
 * Appends `data` whole or not at all: after a failed write the file is cut back to where it
 * was, so a half line never joins the next record.
 */
export const appendAllSync = (fd: number, data: string, options = { fsync: true }): void => {
  const before = fstatSync(fd).size;
  try {
    writeAllSync(fd, data, options);
  } catch (error) {
    try {
      ftruncateSync(fd, before);
    } catch {
      // the write's own error says more
    }
    throw error;
  }
};

export const closeQuietly = (fd: number): void => {
  try {
    closeSync(fd);
  } catch {
    // a close after a failed write adds nothing to its error
  }
};
