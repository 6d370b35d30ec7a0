import { closeSync, openSync, readSync } from 'node:fs';
import { createLineSplitter, type LineSplitter } from './line-splitter.js';

/** What one bounded read of a log gives the ingest tick. */
export type TailRead = {
  /** Bytes read (0: nothing arrived); partial lines count too. */
  bytes: number;
  /**
   * Lines passed over for the ring, oldest first: older than `keepLines` newer lines of the
   * same read, so a ring of `keepLines` could not have held them anyway.
   */
  skipped: number;
  /** The skipped lines the progress parser may need (a subset of `skipped`), oldest first. */
  progressLines: string[];
  /** The newest complete lines of the read, at most `keepLines`, oldest first. */
  lines: string[];
  /**
   * The read filled `maxBytes` and more may wait: only progress lines came back, the ring's
   * lines and the count of lines passed over come with the read that catches up. Read again
   * soon (after yielding): the newest lines of this read are read again then.
   */
  behind: boolean;
};

export type TailReadOptions = {
  /** Bytes read at most; the rest waits for the next call. */
  maxBytes: number;
  /** Complete lines turned into strings for the ring, the newest of the read. */
  keepLines: number;
  /**
   * Whether a skipped line starting (after blanks) with this byte may matter to the progress
   * parser; such lines become `progressLines`. Default: every line.
   */
  mayMatter?: (leadByte: number) => boolean;
};

/**
 * Reads what a task appended to its log file since the last call. The child writes the
 * file directly (stdout and stderr share one O_APPEND descriptor), so the file holds
 * every line in order even when the console lags or dies; the console only follows it.
 */
export type LogTailer = {
  /** Reads up to `maxBytes` new bytes and returns the complete lines in them. */
  readNew: (maxBytes?: number) => string[];
  /**
   * One bounded read for the ingest tick: splits only the newest `keepLines` lines into
   * strings (and the skipped lines `mayMatter` picks), the rest is counted with memchr.
   */
  readTail: (options: TailReadOptions) => TailRead;
  /** Reads the rest and returns it, including a last line with no newline. */
  finish: () => string[];
  /**
   * Lines a read behind a flood passed over and no `readTail` has reported yet; a drain with
   * `readNew` or `finish` (every line) takes them so the ring's sequence still counts them.
   */
  takeSkipped: () => number;
  close: () => void;
};

const chunkBytes = 256 * 1024;
/**
 * Per call of `readNew` when no bound is given: what a drain at a run's end reads per loop.
 */
export const defaultMaxBytesPerRead = 4 * 1024 * 1024;

const newline = 0x0a;
const carriageReturn = 0x0d;
const everyLine = (): boolean => true;

/**
 * One scratch buffer for every tailer: reads are synchronous and one at a time, so four
 * flooding tasks cost one region of memory, not four.
 */
let scratch = Buffer.allocUnsafe(0);
const scratchOf = (bytes: number): Buffer => {
  if (scratch.length < bytes) scratch = Buffer.allocUnsafe(bytes);
  return scratch;
};

const nothingRead = (): TailRead => ({
  bytes: 0,
  skipped: 0,
  progressLines: [],
  lines: [],
  behind: false,
});

/** Start of the newest `keepLines` complete lines ending at `lastNewline`, or 0 if there are fewer. */
const keptFrom = (region: Buffer, lastNewline: number, keepLines: number): number => {
  let at = lastNewline;
  for (let kept = 0; kept < keepLines; kept++) {
    if (at <= 0) return 0;
    at = region.lastIndexOf(newline, at - 1);
    if (at === -1) return 0;
  }
  return at + 1;
};

/**
 * The region before the kept lines: its first line goes through the splitter (it may end a
 * line the last read left unfinished, or a character split across reads), then each line
 * is either handed to the parser or only counted.
 */
const passOver = (
  splitter: LineSplitter,
  region: Buffer,
  end: number,
  mayMatter: (leadByte: number) => boolean,
): { skipped: number; progressLines: string[] } => {
  const progressLines: string[] = [];
  let skipped = 0;
  let first = true;
  let start = 0;
  // A \r redraws a line ("…\rProcessing day 3/9"): such lines are judged after splitting.
  let nextReturn = region.indexOf(carriageReturn, 0);
  if (nextReturn === -1 || nextReturn >= end) nextReturn = end;
  // The line after one the parser read is read too: "Failed dates (3 total):" takes the
  // list from the next line that is not blank, and any other line ends that wait.
  // True at the start too: the line before the pass (an unfinished one, or the last line of
  // the previous read) may have been such a header.
  let afterProgressLine = true;
  while (start < end) {
    const nl = region.indexOf(newline, start);
    const lineEnd = nl === -1 || nl >= end ? end - 1 : nl;
    let lead = start;
    while (lead < lineEnd && (region[lead] === 0x20 || region[lead] === 0x09)) lead++;
    const blank = lead === lineEnd;
    const redrawn = nextReturn <= lineEnd;
    if (redrawn) {
      nextReturn = region.indexOf(carriageReturn, lineEnd + 1);
      if (nextReturn === -1 || nextReturn >= end) nextReturn = end;
    }
    let feed = false;
    if (redrawn) {
      feed = true;
      afterProgressLine = true;
    } else if (first) {
      feed = true;
    } else if (!blank) {
      const matters = mayMatter(region[lead] ?? 0);
      feed = afterProgressLine || matters;
      afterProgressLine = matters;
    }
    if (feed) {
      // Usually one line; none when it only ends the line a flush() already gave out.
      for (const line of splitter.push(region.subarray(start, lineEnd + 1))) {
        progressLines.push(line);
        skipped++;
      }
    } else skipped++;
    first = false;
    start = lineEnd + 1;
  }
  return { skipped, progressLines };
};

export const createLogTailer = (file: string, startOffset = 0): LogTailer => {
  const splitter = createLineSplitter();
  let fd: number | undefined;
  let offset = startOffset;
  /** Lines passed over by reads that were behind, not yet reported. */
  let skippedBehind = 0;

  const open = (): number | undefined => {
    if (fd === undefined) {
      try {
        fd = openSync(file, 'r');
      } catch {
        return undefined;
      }
    }
    return fd;
  };

  const readNew = (maxBytes = defaultMaxBytesPerRead): string[] => {
    const fd = open();
    if (fd === undefined) return [];
    const lines: string[] = [];
    // The shared scratch too: the splitter's decoder copies what it keeps of a chunk. A
    // buffer of its own per tailer was 256 KB for each task, held while it ran.
    const buffer = scratchOf(chunkBytes);
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

  const readTail = ({ maxBytes, keepLines, mayMatter = everyLine }: TailReadOptions): TailRead => {
    const fd = open();
    if (fd === undefined) return nothingRead();
    // No fstat first: an idle tick costs one read that returns 0.
    const into = scratchOf(maxBytes);
    let bytes = 0;
    while (bytes < maxBytes) {
      const read = readSync(fd, into, bytes, maxBytes - bytes, offset + bytes);
      if (read === 0) break;
      bytes += read;
    }
    if (bytes === 0) return nothingRead();
    const region = into.subarray(0, bytes);
    const lastNewline = region.lastIndexOf(newline, bytes - 1);
    const keepFrom = lastNewline === -1 ? 0 : keptFrom(region, lastNewline, keepLines);
    if (bytes === maxBytes && keepFrom > 0) {
      // Behind a flood: making strings of this read's newest lines would be wasted when the
      // next read brings a ring-full, so they stay in the file and start the next read.
      const passed = passOver(splitter, region, keepFrom, mayMatter);
      offset += keepFrom;
      skippedBehind += passed.skipped;
      return { ...nothingRead(), bytes, progressLines: passed.progressLines, behind: true };
    }
    offset += bytes;
    const passed =
      keepFrom > 0
        ? passOver(splitter, region, keepFrom, mayMatter)
        : { skipped: 0, progressLines: [] };
    const lines = splitter.push(region.subarray(keepFrom, bytes));
    const skipped = passed.skipped + skippedBehind;
    skippedBehind = 0;
    return { bytes, skipped, progressLines: passed.progressLines, lines, behind: false };
  };

  return {
    readNew,
    readTail,
    finish: () => {
      const lines = readNew(Number.POSITIVE_INFINITY);
      for (const line of splitter.flush()) lines.push(line);
      return lines;
    },
    takeSkipped: () => {
      const skipped = skippedBehind;
      skippedBehind = 0;
      return skipped;
    },
    close: () => {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
};
