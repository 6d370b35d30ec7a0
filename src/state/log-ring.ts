/**
 * A bounded tail of one task's log lines. Lines are addressed by absolute sequence
 * number (0 = first line the task ever printed) so a scrolled-back view stays put
 * while old lines fall off the front.
 */
export type LogRing = {
  readonly maxLines: number;
  readonly maxBytes: number;
  /** Sequence number of the oldest line still held. */
  readonly first: () => number;
  /** Sequence number one past the newest line (= lines ever appended). */
  readonly end: () => number;
  readonly at: (seq: number) => string | undefined;
  readonly append: (lines: readonly string[]) => void;
  readonly clear: () => void;
  /**
   * Counts lines that went by without being held because a full ring of newer lines follows
   * them (a flood): drops what is held and moves the sequence on, as appending them would.
   */
  readonly skip: (count: number) => void;
  readonly bytes: () => number;
};

/**
 * Every buffer that grows with output needs a cap in lines and in bytes: a flood of
 * 10 KB lines would otherwise hold 50 MB per task at 5000 lines.
 */
export const createLogRing = (maxLines = 5000, maxBytes = 4 * 1024 * 1024): LogRing => {
  // Grows as lines come, up to `maxLines`: most tasks print a few hundred lines, and a plan of
  // 1000 tasks held 20 MB of empty slots. Until it wraps, start + count is its length, so a
  // new line always lands at the end or on a slot already made: the array never has holes.
  const slots: string[] = [];
  let start = 0; // slot of the oldest line
  let count = 0;
  let firstSeq = 0;
  let byteCount = 0;

  const dropOldest = () => {
    byteCount -= slots[start]?.length ?? 0;
    slots[start] = '';
    start = (start + 1) % maxLines;
    count--;
    firstSeq++;
  };

  const clear = () => {
    firstSeq += count;
    start = 0;
    count = 0;
    byteCount = 0;
    slots.length = 0;
  };

  return {
    maxLines,
    maxBytes,
    first: () => firstSeq,
    end: () => firstSeq + count,
    at: (seq) => {
      const offset = seq - firstSeq;
      if (offset < 0 || offset >= count) return undefined;
      return slots[(start + offset) % maxLines];
    },
    append: (lines) => {
      for (const line of lines) {
        if (count === maxLines) dropOldest();
        slots[(start + count) % maxLines] = line;
        count++;
        // String length approximates bytes; the cap is about order of magnitude, not exact accounting.
        byteCount += line.length;
        while (byteCount > maxBytes && count > 1) dropOldest();
      }
    },
    clear,
    skip: (skipped) => {
      if (skipped <= 0) return;
      clear();
      firstSeq += skipped;
    },
    bytes: () => byteCount,
  };
};
