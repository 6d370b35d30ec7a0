import { closeSync, openSync, readSync } from 'node:fs';
import { createLineSplitter } from './line-splitter.js';

/**
 * Reads what a task appended to its log file since the last call. The child writes the
 * file directly (stdout and stderr share one O_APPEND descriptor), so the file holds
 * every line in order even when the console lags or dies; the console only follows it.
 */
export type LogTailer = {
  /** Reads up to `maxBytes` new bytes and returns the complete lines in them. */
  readNew: (maxBytes?: number) => string[];
  /** Reads the rest and returns it, including a last line with no newline. */
  finish: () => string[];
  close: () => void;
};

const chunkBytes = 256 * 1024;
/**
 * Per tick and task: enough for ~50k lines/s per task at a 33 ms tick, small enough that
 * a flood never stalls keys for long; the rest is read on the next tick.
 */
export const defaultMaxBytesPerRead = 4 * 1024 * 1024;

export const createLogTailer = (file: string, startOffset = 0): LogTailer => {
  const splitter = createLineSplitter();
  const buffer = Buffer.allocUnsafe(chunkBytes);
  let fd: number | undefined;
  let offset = startOffset;

  const readNew = (maxBytes = defaultMaxBytesPerRead): string[] => {
    if (fd === undefined) {
      try {
        fd = openSync(file, 'r');
      } catch {
        return [];
      }
    }
    const lines: string[] = [];
    let total = 0;
    while (total < maxBytes) {
      const read = readSync(fd, buffer, 0, chunkBytes, offset);
      if (read === 0) break;
      offset += read;
      total += read;
      for (const line of splitter.push(buffer.subarray(0, read))) lines.push(line);
    }
    return lines;
  };

  return {
    readNew,
    finish: () => {
      const lines = readNew(Number.POSITIVE_INFINITY);
      for (const line of splitter.flush()) lines.push(line);
      return lines;
    },
    close: () => {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
};
