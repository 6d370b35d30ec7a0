import type { ProgressPatternOverrides } from './types.js';

/**
 * Log patterns the progress parser looks for, as JS regex sources compiled with the `u` flag.
 * A pattern is tried on the message of a log line: the `INFO:name:`, `<asctime> - LEVEL - ` and
 * `<asctime> - name - LEVEL - ` prefixes are already cut off, leading indentation is kept.
 *
 * Named groups each pattern may define (a plan's override should use the same names):
 * - `dateStart`: `index`, `total`, `date` (YYYY-MM-DD), all three required. Sets the current date.
 * - `success`, `failure`, `skip`: optional `date`; without it the outcome belongs to the current date.
 * - `periodic`: optional `index` and `total`, optional `eta` (the text after `ETA:`).
 * - `failedDates`: summary lines. Optional `dates` (a list of YYYY-MM-DD or `datetime.date(Y, M, D)`;
 *   an empty `dates` means the list follows on the next line), `failedCount`, and the counts
 *   `successful`, `skipped`, `failed`.
 */
export type ProgressPatternKey = keyof Required<ProgressPatternOverrides>;

export type CompiledProgressPatterns = Readonly<Record<ProgressPatternKey, RegExp>> & {
  /**
   * For each key still on its default, the characters a message can start with (after
   * indentation) for that pattern to match: lets the parser reject most lines with one
   * character test. Overridden keys are absent here because a plan's regex may match anywhere.
   */
  readonly leadChars: Readonly<Partial<Record<ProgressPatternKey, string>>>;
};

const date = String.raw`\d{4}-\d{2}-\d{2}`;
const digits = '0123456789';

/**
 * `date` may sit in different places of one pattern's alternatives, and Node 20 forbids a group
 * name twice, so a leading lookahead captures it once and the body then checks the shape.
 */
const withLeadingDate = (before: string, body: string): string =>
  String.raw`^(?=\s*(?:${before})?(?<date>${date})?)\s*(?:${body})`;

/**
 * Optional lookaheads read each count wherever it stands on the line, so one pattern serves the
 * one-line form ("Successful: 40, Skipped: 2, Failed: 3") and the one-count-per-line summaries.
 */
const countAnywhere = (label: string, group: string): string =>
  String.raw`(?=(?:.*?\b${label}(?:\s+days)?:\s*(?<${group}>\d+))?)`;

export const defaultProgressPatterns: Required<ProgressPatternOverrides> = {
  // "Processing day 3/63: …", "Processing date 9/63: …", "Processing game date 12/45: …",
  // "Grading date 5/120: …"
  dateStart: String.raw`^\s*(?:Processing|Grading)(?:\s+game)?\s+(?:day|date)\s+(?<index>\d+)\s*/\s*(?<total>\d+):\s*(?<date>${date})`,

  // "✓ Success: 481 records", parallel "✓ 2022-04-18: 481 records",
  // "✅ 2022-04-18: Processed 212 players (0 failed)", --dates mode "2024-01-05: success".
  // "✓ Dry run: …" and the parallel block's bare "Success: 40 (90.0%)" are not date outcomes.
  success: withLeadingDate(
    String.raw`[✓✅]\uFE0F?\s*`,
    String.raw`[✓✅]\uFE0F?\s*(?:Success:|${date}:)|${date}:\s+success\b`,
  ),

  // "✗ Failed: 2022-04-19", "✗ Failed: <error>", "✗ Exception: <error>", parallel "✗ 2022-04-19: <error>",
  // "⚠️  2022-04-19: Processing failed - …", "❌ 2022-04-19: Exception - …",
  // "Unexpected exception processing 2022-04-19: …", parallel "Exception processing 2022-04-19: …",
  // --dates mode "2024-01-05: failed". A dated ❌ only: "❌ PRE-FLIGHT CHECK FAILED" is not a date.
  failure: withLeadingDate(
    String.raw`✗\s*(?:Failed:\s*)?|⚠\uFE0F?\s*|❌\s*|(?:Unexpected\s+e|E)xception\s+processing\s+`,
    [
      String.raw`✗\s*(?:Failed|Exception)\b`,
      String.raw`✗\s*${date}:`,
      String.raw`⚠\uFE0F?\s*${date}:\s*Processing failed\b`,
      String.raw`❌\s*${date}:`,
      String.raw`(?:Unexpected\s+e|E)xception\s+processing\s+${date}\b`,
      String.raw`${date}:\s+(?:failed|exception|error)\b`,
    ].join('|'),
  ),

  // "⏭ Skipped: bootstrap period", --dates mode "2024-01-05: skipped_bootstrap"
  skip: withLeadingDate(
    String.raw`⏭\uFE0F?\s*`,
    String.raw`⏭\uFE0F?\s*(?:Skipped\b|${date}:)|${date}:\s+skipped`,
  ),

  // "Progress: 10/63 days (…)", "Progress: 20/45 game dates", parallel "PROGRESS: 50/851 days (5.9%)",
  // and the parallel block's "ETA: 3.2 hours remaining"
  periodic: String.raw`^\s*(?:(?:Progress|PROGRESS):\s*(?<index>\d+)\s*/\s*(?<total>\d+)|ETA:\s*(?<eta>\S.*?)\s*$)`,

  // "Failed dates: 2022-05-01, …", "Failed dates: [datetime.date(2022, 5, 1), …]" (phase 4 and 5B print
  // the Python list), "Failed dates (12 total):" with the list on the next line, and counts:
  // "Successful: 40, Skipped: 2, Failed: 3", "Successful days: 40", "Total failed: 3".
  failedDates: [
    String.raw`^\s*(?:Failed\s+dates(?:\s*\((?<failedCount>\d+)(?:\s+total)?\))?:\s*(?<dates>.*)`,
    String.raw`|(?=(?:Total\s+)?(?:[Ss]uccessful|[Ss]kipped|[Ff]ailed)(?:\s+days)?:\s*\d)`,
    countAnywhere('[Ss]uccessful', 'successful'),
    countAnywhere('[Ss]kipped', 'skipped'),
    countAnywhere('[Ff]ailed', 'failed'),
    ')',
  ].join(''),
};

/** Keep in step with the defaults above: a wrong entry silently hides real lines. */
const defaultLeadChars: Readonly<Record<ProgressPatternKey, string>> = {
  dateStart: 'PG',
  success: `✓✅${digits}`,
  failure: `✗⚠❌UE${digits}`,
  skip: `⏭${digits}`,
  periodic: 'PE',
  failedDates: 'FST',
};

export const progressPatternKeys = Object.keys(defaultProgressPatterns) as ProgressPatternKey[];

/** Compiles the defaults with a plan's overrides on top (sources were validated by the schema). */
export const compileProgressPatterns = (
  overrides: ProgressPatternOverrides = {},
): CompiledProgressPatterns => {
  const regexes = {} as Record<ProgressPatternKey, RegExp>;
  const leadChars: Partial<Record<ProgressPatternKey, string>> = {};
  for (const key of progressPatternKeys) {
    const override = overrides[key];
    regexes[key] = new RegExp(override ?? defaultProgressPatterns[key], 'u');
    if (override === undefined) leadChars[key] = defaultLeadChars[key];
  }
  return { ...regexes, leadChars };
};

// Line shapes around the patterns, shared by every processor and not overridable.

// Python logging prefixes: "INFO:name:msg", "<asctime> - LEVEL - msg", "<asctime> - name - LEVEL - msg".
const levels = '(?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL)';
const levelPrefix = new RegExp(`^${levels}:[^:\\s]*:`);
const timePrefix = new RegExp(
  `^\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}:\\d{2}(?:[,.]\\d+)? - (?:\\S+ - )?${levels} - `,
);
// A single count ("  Failed: 3") also appears in the parallel PROGRESS block mid-run, so it is
// only read after a header like "PHASE 4 BACKFILL SUMMARY", "PARALLEL BACKFILL COMPLETE".
export const summaryHeader = /SUMMARY|Summary:|BACKFILL COMPLETE/;
export const summaryHeaderLeads = 'PDS\uD83D'; // \uD83D: first half of 📊
const dateInList = /(\d{4}-\d{2}-\d{2})|datetime\.date\((\d{4}), (\d{1,2}), (\d{1,2})\)/g;
/** The line after "Failed dates (N total):" holding the list itself. */
export const dateListLine = /^\s*(?:\d{4}-\d{2}-\d{2}|\[)/;

/** The message of a Python logging line; lines without a known prefix come back unchanged. */
export const stripLogPrefix = (line: string): string => {
  // One character picks the candidate prefix, so unprefixed lines cost no regex at all.
  const first = line.charCodeAt(0);
  if (first >= 48 && first <= 57) {
    const match = timePrefix.exec(line);
    return match ? line.slice(match[0].length) : line;
  }
  if (first >= 65 && first <= 87) {
    // A-W: the first letters of the level names
    const match = levelPrefix.exec(line);
    return match ? line.slice(match[0].length) : line;
  }
  return line;
};

/** Dates in a printed list, ISO or Python `datetime.date(2022, 5, 1)` reprs, as YYYY-MM-DD. */
export const parseDateList = (text: string): string[] => {
  const found: string[] = [];
  for (const m of text.matchAll(dateInList)) {
    if (m[1] !== undefined) found.push(m[1]);
    else found.push(`${m[2]}-${m[3]!.padStart(2, '0')}-${m[4]!.padStart(2, '0')}`);
  }
  return found;
};
