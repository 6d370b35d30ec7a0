import {
  constants,
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { isSameProcess, processStartTime } from '../process/proc-info.js';

export type Lock = { ok: true; release: () => void } | { ok: false; holderPid: number };

/**
 * One console per state folder: a second one would journal over the first. A lock whose
 * holder is gone (crash, SIGKILL) is stale and taken over.
 */
export const acquireStateLock = (stateDir: string): Lock => {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const file = path.join(stateDir, 'console.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(
        file,
        constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
        0o600,
      );
      writeSync(fd, JSON.stringify({ pid: process.pid, start: processStartTime(process.pid) }));
      closeSync(fd);
      return {
        ok: true,
        release: () => {
          try {
            unlinkSync(file);
          } catch {
            // already gone
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(file);
      if (holder && isSameProcess(holder.pid, holder.start))
        return { ok: false, holderPid: holder.pid };
      try {
        unlinkSync(file);
      } catch {
        // another console took it over first
      }
    }
  }
  return { ok: false, holderPid: readHolder(file)?.pid ?? 0 };
};

const readHolder = (file: string): { pid: number; start?: string } | undefined => {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as { pid: number; start?: string };
  } catch {
    return undefined;
  }
};
