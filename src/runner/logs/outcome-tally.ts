import { parseDateList } from '../../plan/progress-patterns.js';
import { emptyProgress } from '../../state/progress.js';
import type { Progress } from '../../state/progress.js';

/**
 * A run over every calendar day of four seasons is ~1,500 dates; 500 failed ones is already
 * "rerun everything" territory, and the list is copied into every snapshot that changes it.
 */
export const maxFailedDates = 500;

/** Outcomes remembered per date so a second line about the same date does not count twice. */
const maxRememberedDates = 10_000;

export type Outcome = 'succeeded' | 'skipped' | 'failed';

/**
 * A failure is never downgraded by a later line about the same date: a run that exits 0 with
 * failed dates is how the platform lost data, so a failure must stay visible.
 */
const outcomeRank: Record<Outcome, number> = { skipped: 1, succeeded: 2, failed: 3 };

type Summary = { successful: number; skipped: number; failed: number };

/**
 * The counts a log reports: per-date outcomes (deduplicated by date), the failed dates, and
 * the final summary block. Every change reports true so the parser knows to snapshot again.
 */
export const createOutcomeTally = () => {
  const tally: Record<Outcome, number> = { succeeded: 0, skipped: 0, failed: 0 };
  const outcomes = new Map<string, Outcome>();
  const failedDates: string[] = [];
  const failedDateSet = new Set<string>();
  let failedDatesChanged = false;
  let summary: Summary | undefined;

  const addFailedDate = (d: string): boolean => {
    if (failedDateSet.has(d) || failedDates.length >= maxFailedDates) return false;
    failedDateSet.add(d);
    failedDates.push(d);
    failedDatesChanged = true;
    return true;
  };

  const mergeSummary = (successful?: number, skipped?: number, failed?: number): boolean => {
    const next = summary ?? { successful: 0, skipped: 0, failed: 0 };
    const merged = {
      successful: Math.max(next.successful, successful ?? 0),
      skipped: Math.max(next.skipped, skipped ?? 0),
      failed: Math.max(next.failed, failed ?? 0),
    };
    if (
      summary !== undefined &&
      merged.successful === summary.successful &&
      merged.skipped === summary.skipped &&
      merged.failed === summary.failed
    ) {
      return false;
    }
    summary = merged;
    return true;
  };

  return {
    /** One date's outcome; `date` undefined (output before the first start line) only counts. */
    record: (outcome: Outcome, date: string | undefined): boolean => {
      if (date === undefined) {
        tally[outcome]++;
        return true;
      }
      const previous = outcomes.get(date);
      if (previous !== undefined && outcomeRank[previous] >= outcomeRank[outcome]) return false;
      if (previous !== undefined) tally[previous]--;
      else if (outcomes.size >= maxRememberedDates) {
        outcomes.delete(outcomes.keys().next().value!);
      }
      outcomes.set(date, outcome);
      tally[outcome]++;
      if (outcome === 'failed') addFailedDate(date);
      return true;
    },
    mergeSummary,
    /** A "Failed dates: …" list: each date is a failure, and the summary counts at least them. */
    readDateList: (text: string): boolean => {
      const dates = parseDateList(text);
      let changed = false;
      for (const d of dates) changed = addFailedDate(d) || changed;
      return mergeSummary(undefined, undefined, dates.length) || changed;
    },
    /** The counting fields of a snapshot; `previous` lends its failed-date list when unchanged. */
    counts: (
      previous: Progress = emptyProgress,
    ): Pick<Progress, 'succeeded' | 'failed' | 'skipped' | 'failedDates' | 'summary'> => {
      const counted: Pick<
        Progress,
        'succeeded' | 'failed' | 'skipped' | 'failedDates' | 'summary'
      > = {
        succeeded: Math.max(tally.succeeded, summary?.successful ?? 0),
        failed: Math.max(tally.failed, summary?.failed ?? 0, failedDates.length),
        skipped: Math.max(tally.skipped, summary?.skipped ?? 0),
        failedDates: failedDatesChanged
          ? (Object.freeze([...failedDates]) as unknown as string[])
          : previous.failedDates,
      };
      failedDatesChanged = false;
      if (summary !== undefined) counted.summary = Object.freeze({ ...summary });
      return counted;
    },
  };
};

export type OutcomeTally = ReturnType<typeof createOutcomeTally>;
