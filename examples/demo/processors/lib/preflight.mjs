// The pre-flight check phase 4, 5B (and 5, on a sample date) run before a range: are the
// upstream tables complete for every expected game date of the window? The readiness table
// is print()ed to stdout, the verdict logged to stderr, as in bin/backfill/verify_*.py.
import { print } from './output.mjs';
import { datesWithRows, gameDatesBetween } from './warehouse.mjs';

/** Per upstream table: the expected game dates it lacks. */
export const missingUpstreamDates = (db, tables, start, end) => {
  const expected = gameDatesBetween(db, start, end);
  return {
    expected,
    missing: tables.map((table) => {
      const present = datesWithRows(db, table, start, end);
      return { table, missing: expected.filter((d) => !present.has(d)) };
    }),
  };
};

export const printReadiness = (title, start, end, { expected, missing }) => {
  print(`${title}: ${start} to ${end} (${expected.length} game dates)`);
  for (const { table, missing: dates } of missing) {
    const have = expected.length - dates.length;
    const verdict =
      dates.length === 0
        ? '✅'
        : `❌  missing ${dates.length}: ${dates.slice(0, 5).join(', ')}${dates.length > 5 ? ', ...' : ''}`;
    print(`  ${table.padEnd(46)} ${String(have).padStart(3)}/${expected.length}  ${verdict}`);
  }
};

export const isReady = ({ missing }) => missing.every((m) => m.missing.length === 0);
