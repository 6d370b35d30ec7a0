/** What the log of one run says about its progress. Built by the runner's parser. */
export type Progress = {
  /** The date the processor said it is working on. */
  currentDate?: string;
  /** i of "Processing date i/N". */
  index?: number;
  total?: number;
  succeeded: number;
  failed: number;
  skipped: number;
  /** Distinct failed dates in the order seen (capped by the parser). */
  failedDates: string[];
  /** An ETA the script printed itself, e.g. "3.2 hours remaining". */
  reportedEta?: string;
  /** Counts from the final summary block, when the script printed one. */
  summary?: { successful: number; skipped: number; failed: number };
};

export const emptyProgress: Progress = Object.freeze({
  succeeded: 0,
  failed: 0,
  skipped: 0,
  failedDates: Object.freeze([]) as unknown as string[],
});

/** Failures count from the summary when it reports more than the running tallies saw. */
export const failureCount = (p: Progress): number => Math.max(p.failed, p.summary?.failed ?? 0);
