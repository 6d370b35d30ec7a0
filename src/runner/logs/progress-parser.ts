import {
  compileProgressPatterns,
  dateListLine,
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
import { createOutcomeTally } from './outcome-tally.js';
import type { OutcomeTally } from './outcome-tally.js';

export type { Progress };
export { emptyProgress };

export { maxFailedDates } from './outcome-tally.js';

export type ProgressParser = {
  /** Reads one log line; true when the progress it reports changed. */
  feed(line: string): boolean;
  /** The same object until something changes, so a store can compare by reference. */
  snapshot(): Progress;
  /**
   * False when a raw line whose first byte after blanks is `leadByte` cannot change progress,
   * whatever follows: lets the ingest pass over flood lines without making strings of them.
   */
  mayMatter: (leadByte: number) => boolean;
};

const leadOf = (message: string): string => {
  let i = 0;
  while (i < message.length && (message[i] === ' ' || message[i] === '\t')) i++;
  return message.charAt(i);
};

const numberOf = (value: string | undefined): number | undefined =>
  value === undefined ? undefined : Number(value);

/**
 * The plan's patterns, with the shortcut that keeps the parser cheap: a default pattern is only
 * tried on lines whose first character it can start with.
 */
const createLineMatcher = (patterns: CompiledProgressPatterns) => {
  const { leadChars } = patterns;
  // Keys that must see every line because a plan replaced them (no lead-character shortcut).
  const everyLine = progressPatternKeys.filter((key) => leadChars[key] === undefined);
  const anyLead = Object.values(leadChars).join('') + summaryHeaderLeads;
  // Bytes a line that matters can start with: the patterns' ASCII leads, digits and A-W (a
  // logging prefix may come first), "[" (a Python date list after "Failed dates (N total):").
  // Non-ASCII and control bytes (an escape sequence, \r) always matter.
  const asciiLeads = new Set<number>();
  for (const c of anyLead + '[0123456789')
    if (c.charCodeAt(0) < 0x80) asciiLeads.add(c.charCodeAt(0));
  for (let c = 0x41; c <= 0x57; c++) asciiLeads.add(c);
  return {
    mayMatter: (leadByte: number): boolean =>
      everyLine.length > 0 || leadByte >= 0x7f || leadByte < 0x20 || asciiLeads.has(leadByte),
    /** Most lines are noise: one character decides when every pattern is still a default. */
    isNoise: (lead: string): boolean =>
      everyLine.length === 0 && (lead === '' || !anyLead.includes(lead)),
    match: (
      key: ProgressPatternKey,
      message: string,
      lead: string,
    ): Record<string, string | undefined> | undefined => {
      const chars = leadChars[key];
      if (chars !== undefined && (lead === '' || !chars.includes(lead))) return undefined;
      const match = patterns[key].exec(message);
      return match ? (match.groups ?? {}) : undefined;
    },
  };
};

/**
 * A summary line: "Failed dates: …" (the list may follow on the next line) or the counts.
 * A lone count outside a summary block is someone else's number, not the run's.
 */
const readSummaryCounts = (
  tally: OutcomeTally,
  groups: Record<string, string | undefined>,
  inSummary: boolean,
): { changed: boolean; awaitingDateList: boolean } => {
  const { dates, failedCount, successful, skipped, failed } = groups;
  if (dates !== undefined || failedCount !== undefined) {
    const merged = tally.mergeSummary(undefined, undefined, numberOf(failedCount));
    if (dates !== undefined && dates.trim() !== '') {
      return { changed: tally.readDateList(dates) || merged, awaitingDateList: false };
    }
    return { changed: merged, awaitingDateList: true };
  }
  const counts = [successful, skipped, failed].filter((c) => c !== undefined).length;
  if (counts === 0 || (counts === 1 && !inSummary))
    return { changed: false, awaitingDateList: false };
  return {
    changed: tally.mergeSummary(numberOf(successful), numberOf(skipped), numberOf(failed)),
    awaitingDateList: false,
  };
};

export const createProgressParser = (overrides?: ProgressPatternOverrides): ProgressParser => {
  const {
    match: matchKey,
    isNoise,
    mayMatter,
  } = createLineMatcher(compileProgressPatterns(overrides));

  const tally = createOutcomeTally();
  let currentDate: string | undefined;
  let index: number | undefined;
  let total: number | undefined;
  let reportedEta: string | undefined;
  let inSummary = false;
  let awaitingDateList = false;
  /** Set by the line being fed; `dirty` keeps it until the next snapshot. */
  let changed = false;
  let dirty = false;
  let last: Progress = emptyProgress;

  const readDateList = (text: string): void => {
    if (tally.readDateList(text)) changed = true;
  };

  const readSummaryLine = (groups: Record<string, string | undefined>): void => {
    const read = readSummaryCounts(tally, groups, inSummary);
    if (read.changed) changed = true;
    if (read.awaitingDateList) awaitingDateList = true;
  };

  const record = (outcome: 'succeeded' | 'skipped' | 'failed', date: string | undefined) => {
    if (tally.record(outcome, date ?? currentDate)) changed = true;
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

  const interpret = (message: string): void => {
    const lead = leadOf(message);
    if (awaitingDateList && lead !== '') {
      awaitingDateList = false;
      if (dateListLine.test(message)) {
        readDateList(message);
        return;
      }
    }
    if (isNoise(lead)) return;

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
    mayMatter,
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
      const next: Progress = tally.counts(last);
      if (currentDate !== undefined) next.currentDate = currentDate;
      if (index !== undefined) next.index = index;
      if (total !== undefined) next.total = total;
      if (reportedEta !== undefined) next.reportedEta = reportedEta;
      last = Object.freeze(next);
      return last;
    },
  };
};
