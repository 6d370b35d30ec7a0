// Counts what a program wrote to its terminal, from the copy `tmux pipe-pane` appends to a file.
// Read incrementally on the sampling tick; patterns split across two reads are still counted
// once (the tail of each read is kept and searched with the next).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const ESC = '\u001b';
export const patterns = {
  /** Ink brackets each throttled frame in synchronized-update marks (begin = BSU). */
  frames: `${ESC}[?2026h`,
  /** Ink's standard renderer erases the previous frame with one eraseLines group ending so. */
  eraseGroups: `${ESC}[2K${ESC}[G`,
  eraseScreen: `${ESC}[2J`,
  eraseScrollback: `${ESC}[3J`,
  eraseBoth: `${ESC}[2J${ESC}[3J`,
  reset: `${ESC}c`,
  altScreenOn: `${ESC}[?1049h`,
};
const needles = Object.entries(patterns).map(([name, text]) => [name, Buffer.from(text, 'latin1')]);
const keep = Math.max(...needles.map(([, b]) => b.length)) - 1;

const countIn = (buffer, needle, from) => {
  let n = 0;
  let at = buffer.indexOf(needle, 0);
  while (at !== -1) {
    // A match lying wholly inside the carried-over tail was counted with the previous read.
    if (at + needle.length > from) n++;
    at = buffer.indexOf(needle, at + 1);
  }
  return n;
};

export const createPaneOutputCounter = (file) => {
  const counts = Object.fromEntries(needles.map(([name]) => [name, 0]));
  counts.bytes = 0;
  let fd;
  let offset = 0;
  let carry = Buffer.alloc(0);
  const chunk = Buffer.alloc(4 * 1024 * 1024);
  return {
    /** Reads what was appended since the last call (at most `maxBytes`) and updates the counts. */
    poll(maxBytes = 256 * 1024 * 1024) {
      if (fd === undefined) {
        try {
          fd = openSync(file, 'r');
        } catch {
          return counts; // tmux has not created it yet
        }
      }
      const size = fstatSync(fd).size;
      let budget = maxBytes;
      while (offset < size && budget > 0) {
        const n = readSync(fd, chunk, 0, Math.min(chunk.length, size - offset, budget), offset);
        if (n <= 0) break;
        offset += n;
        budget -= n;
        counts.bytes += n;
        const joined = Buffer.concat([carry, chunk.subarray(0, n)]);
        for (const [name, needle] of needles) counts[name] += countIn(joined, needle, carry.length);
        carry = Buffer.from(joined.subarray(Math.max(0, joined.length - keep)));
      }
      return { ...counts };
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
};

/** Clearing events: each \e[2J or \e[3J, a \e[2J\e[3J pair counted once, and each \ec reset. */
export const clearsOf = (c) => c.eraseScreen + c.eraseScrollback - c.eraseBoth + c.reset;
