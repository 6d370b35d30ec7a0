// Pieces every simulated backfill script shares: date arguments, and the demo's scripted
// first-attempt failures.
import { recordAttempt } from './attempts.mjs';
import { isValidDate, today } from './args.mjs';
import { strptimeTraceback, writeAll } from './output.mjs';
import { addDays, windowGameDates, windowOf } from './schedule.mjs';

/** Python's repr of a bool in the configuration banners. */
export const py = (value) => (value ? 'True' : 'False');

/** Python's f"{x:.1f}" for a percentage or an average. */
export const fixed = (value, digits = 1) =>
  Number.isFinite(value) ? value.toFixed(digits) : '0.0';

/**
 * `--dates a,b,c` -> ['a', 'b', 'c']. A malformed date is reported the way the real scripts do
 * (`hint` is phase 3's extra line) and exits 1.
 */
export const datesOrExit = (text, log, hint) => {
  const dates = text.split(',').map((d) => d.trim());
  const bad = dates.find((d) => !isValidDate(d));
  if (bad === undefined) return dates;
  log.error(`Invalid date format: time data '${bad}' does not match format '%Y-%m-%d'`);
  if (hint) log.error(hint);
  process.exit(1);
};

/**
 * The demo's scripted failure for (processor, date), or undefined. `rules` maps a window id to
 * { gameDateNumber: variant }: the Nth game date of that window fails the first time it is
 * attempted. Every call for a matching date counts as an attempt.
 */
export const scriptedFailure = (processor, date, rules) => {
  const window = windowOf(date);
  const byNumber = window && rules[window.id];
  if (!byNumber) return undefined;
  const number = windowGameDates(window).indexOf(date) + 1;
  const variant = byNumber[number];
  if (!variant) return undefined;
  return recordAttempt(processor, date) === 1 ? variant : undefined;
};

/**
 * `--start-date` / `--end-date` as the phase 4, 5 and 5B scripts read them: missing means
 * the last seven days, a malformed date is an uncaught ValueError (traceback, exit 1).
 */
export const rangeOrDie = (args, script, mainLine) => {
  for (const value of [args.start_date, args.end_date]) {
    if (value !== undefined && !isValidDate(value)) {
      writeAll(2, `${strptimeTraceback(script, value, mainLine)}\n`);
      process.exit(1);
    }
  }
  const now = today();
  return { start: args.start_date ?? addDays(now, -7), end: args.end_date ?? addDays(now, -1) };
};

/** Python's repr of a dict of counts: {'a': 1, 'b': True}. */
export const pyDict = (entries) =>
  `{${Object.entries(entries)
    .map(([k, v]) => `'${k}': ${typeof v === 'boolean' ? py(v) : v}`)
    .join(', ')}}`;
