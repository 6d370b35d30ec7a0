import {
  compileProgressPatterns,
  dateListLine,
  parseDateList,
  progressPatternKeys,
  stripLogPrefix,
  summaryHeader,
  summaryHeaderLeads,
} from '../../plan/progress-patterns.js';
import type { CompiledProgressPatterns, ProgressPatternKey } from '../../plan/progress-patterns.js';
import type { ProgressPatternOverrides } from '../../plan/types.js';
import { stripAnsi } from './line-splitter.js';
import { emptyProgress } from '../../state/progress.js';
import type { Progress } from '../../state/progress.js';

export type { Progress };
export { emptyProgress };

/**
 * A run over every calendar day of four seasons is ~1,500 dates; 500 failed ones is already
 * "rerun everything" territory, and the list is copied into every snapshot that changes it.
 */
export const maxFailedDates = 500;

/** Outcomes remembered per date so a second line about the same date does not count twice. */
const maxRememberedDates = 10_000;

export type ProgressParser = {
  /** Reads one log line; true when the progress it reports changed. */
  feed(line: string): boolean;
  /** The same object until something changes, so a store can compare by reference. */
  snapshot(): Progress;
};

type Outcome = 'succeeded' | 'skipped' | 'failed';

/**
 * A failure is never downgraded by a later line about the same date: a run that exits 0 with
 * failed dates is how the platform lost data, so a failure must stay visible.
 */
const outcomeRank: Record<Outcome, number> = { skipped: 1, succeeded: 2, failed: 3 };

const leadOf = (message: string): string => {
  let i = 0;
  while (i < message.length && (message[i] === ' ' || message[i] === '\t')) i++;
  return message.charAt(i);
};

const numberOf = (value: string | undefined): number | undefined =>
  value === undefined ? undefined : Number(value);

export const createProgressParser = (overrides?: ProgressPatternOverrides): ProgressParser => {
  const patterns: CompiledProgressPatterns = compileProgressPatterns(overrides);
  const { leadChars } = patterns;
  // Keys that must see every line because a plan replaced them (no lead-character shortcut).
  const everyLine = progressPatternKeys.filter((key) => leadChars[key] === undefined);
  const anyLead = Object.values(leadChars).join('') + summaryHeaderLeads;
  const mayMatch = (key: ProgressPatternKey, lead: string): boolean => {
    const chars = leadChars[key];
    return chars === undefined || (lead !== '' && chars.includes(lead));
  };

  const tally: Record<Outcome, number> = { succeeded: 0, skipped: 0, failed: 0 };
  const outcomes = new Map<string, Outcome>();
  const failedDates: string[] = [];
  const failedDateSet = new Set<string>();
  let currentDate: string | undefined;
  let index: number | undefined;
  let total: number | undefined;
  let reportedEta: string | undefined;
  let summary: { successful: number; skipped: number; failed: number } | undefined;
  let inSummary = false;
  let awaitingDateList = false;
  /** Set by the line being fed; `dirty` keeps it until the next snapshot. */
  let changed = false;
  let dirty = false;
  let failedDatesChanged = false;
  let last: Progress = emptyProgress;

  const addFailedDate = (d: string): void => {
    if (failedDateSet.has(d) || failedDates.length >= maxFailedDates) return;
    failedDateSet.add(d);
    failedDates.push(d);
    failedDatesChanged = changed = true;
  };

  const record = (outcome: Outcome, explicitDate: string | undefined): void => {
    const d = explicitDate ?? currentDate;
    if (d === undefined) {
      // No date to key on (output before the first start line): count it, nothing to dedupe.
      tally[outcome]++;
      changed = true;
      return;
    }
    const previous = outcomes.get(d);
    if (previous !== undefined && outcomeRank[previous] >= outcomeRank[outcome]) return;
    if (previous !== undefined) tally[previous]--;
    else if (outcomes.size >= maxRememberedDates) {
      outcomes.delete(outcomes.keys().next().value!);
    }
    outcomes.set(d, outcome);
    tally[outcome]++;
    if (outcome === 'failed') addFailedDate(d);
    changed = true;
  };

  const mergeSummary = (successful?: number, skipped?: number, failed?: number): void => {
    const next = summary ?? { successful: 0, skipped: 0, failed: 0 };
    const merged = {
      successful: Math.max(next.successful, successful ?? 0),
      skipped: Math.max(next.skipped, skipped ?? 0),
      failed: Math.max(next.failed, failed ?? 0),
    };
    if (
      summary === undefined ||
      merged.successful !== summary.successful ||
      merged.skipped !== summary.skipped ||
      merged.failed !== summary.failed
    ) {
      summary = merged;
      changed = true;
    }
  };

  const readDateList = (text: string): void => {
    const dates = parseDateList(text);
    for (const d of dates) addFailedDate(d);
    mergeSummary(undefined, undefined, dates.length);
  };

  const readSummaryLine = (groups: Record<string, string | undefined>): void => {
    const { dates, failedCount, successful, skipped, failed } = groups;
    if (dates !== undefined || failedCount !== undefined) {
      mergeSummary(undefined, undefined, numberOf(failedCount));
      if (dates !== undefined && dates.trim() !== '') readDateList(dates);
      else awaitingDateList = true;
      return;
    }
    const counts = [successful, skipped, failed].filter((c) => c !== undefined).length;
    if (counts === 0 || (counts === 1 && !inSummary)) return;
    mergeSummary(numberOf(successful), numberOf(skipped), numberOf(failed));
  };

  const setIndex = (i: number | undefined, t: number | undefined): void => {
    if (i !== undefined && i !== index) {
      index = i;
      changed = true;
    }
    if (t !== undefined && t !== total) {
      total = t;
      changed = true;
    }
  };

  const matchKey = (
    key: ProgressPatternKey,
    message: string,
    lead: string,
  ): Record<string, string | undefined> | undefined => {
    if (!mayMatch(key, lead)) return undefined;
    const match = patterns[key].exec(message);
    return match ? (match.groups ?? {}) : undefined;
  };

  const interpret = (message: string): void => {
    const lead = leadOf(message);
    if (awaitingDateList && lead !== '') {
      awaitingDateList = false;
      if (dateListLine.test(message)) {
        readDateList(message);
        return;
      }
    }
    // Most lines are noise: one character decides when every pattern is still a default.
    if (everyLine.length === 0 && (lead === '' || !anyLead.includes(lead))) return;

    const start = matchKey('dateStart', message, lead);
    if (start) {
      const d = start.date;
      if (d !== undefined && d !== currentDate) {
        currentDate = d;
        changed = true;
      }
      setIndex(numberOf(start.index), numberOf(start.total));
      inSummary = false;
      return;
    }
    const failure = matchKey('failure', message, lead);
    if (failure) return record('failed', failure.date);
    const success = matchKey('success', message, lead);
    if (success) return record('succeeded', success.date);
    const skip = matchKey('skip', message, lead);
    if (skip) return record('skipped', skip.date);
    const periodic = matchKey('periodic', message, lead);
    if (periodic) {
      setIndex(numberOf(periodic.index), numberOf(periodic.total));
      const eta = periodic.eta;
      if (eta !== undefined && eta !== reportedEta) {
        reportedEta = eta;
        changed = true;
      }
      return;
    }
    const summaryLine = matchKey('failedDates', message, lead);
    if (summaryLine) return readSummaryLine(summaryLine);
    if (summaryHeaderLeads.includes(lead) && summaryHeader.test(message)) inSummary = true;
  };

  return {
    feed(line) {
      changed = false;
      const plain = line.includes('\u001b') ? stripAnsi(line) : line;
      interpret(stripLogPrefix(plain));
      if (changed) dirty = true;
      return changed;
    },
    snapshot() {
      if (!dirty) return last;
      dirty = false;
      const failedTotal = Math.max(tally.failed, summary?.failed ?? 0, failedDates.length);
      const next: Progress = {
        succeeded: Math.max(tally.succeeded, summary?.successful ?? 0),
        failed: failedTotal,
        skipped: Math.max(tally.skipped, summary?.skipped ?? 0),
        failedDates: failedDatesChanged
          ? (Object.freeze([...failedDates]) as unknown as string[])
          : last.failedDates,
      };
      failedDatesChanged = false;
      if (currentDate !== undefined) next.currentDate = currentDate;
      if (index !== undefined) next.index = index;
      if (total !== undefined) next.total = total;
      if (reportedEta !== undefined) next.reportedEta = reportedEta;
      if (summary !== undefined) next.summary = Object.freeze({ ...summary });
      last = Object.freeze(next);
      return last;
    },
  };
};
