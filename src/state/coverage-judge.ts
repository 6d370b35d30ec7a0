/** A day a query returned, with its row count when the query gave one. */
export type DayCount = { day: string; rows?: number };

/** An expected date with fewer rows than it should have: present, but not complete. */
export type ThinDate = { date: string; rows: number; expected: number };

export type CoverageJudgement = {
  covered: number;
  expected?: number;
  missing: string[];
  thin: ThinDate[];
  expectedDates: string[];
};

/**
 * Which expected dates the output covers. A date counts only with at least `minRows` rows and at
 * least the rows the expected query asks of it (its second column); a date below that is thin.
 * Without an expected query, every date found is counted, thin ones excepted.
 */
export const judgeCoverage = (
  expected: readonly DayCount[] | undefined,
  found: readonly DayCount[],
  minRows: number | undefined,
): CoverageJudgement => {
  const foundRows = new Map(found.map((f) => [f.day, f.rows]));
  const thinOf = (day: string, wanted: number | undefined): ThinDate | undefined => {
    const need = Math.max(minRows ?? 0, wanted ?? 0);
    const rows = foundRows.get(day);
    // A query without a count column cannot say a date is thin: its presence is all it tells.
    return rows !== undefined && rows < need ? { date: day, rows, expected: need } : undefined;
  };
  if (!expected) {
    const thin = found.flatMap((f) => thinOf(f.day, undefined) ?? []);
    return { covered: found.length - thin.length, missing: [], thin, expectedDates: [] };
  }
  const missing: string[] = [];
  const thin: ThinDate[] = [];
  for (const { day, rows } of expected) {
    if (!foundRows.has(day)) missing.push(day);
    else {
      const short = thinOf(day, rows);
      if (short) thin.push(short);
    }
  }
  return {
    covered: expected.length - missing.length - thin.length,
    expected: expected.length,
    missing,
    thin,
    expectedDates: expected.map((e) => e.day),
  };
};

/** The dates a gap fill must run: missing and thin, sorted. */
export const datesToFill = (cell: {
  missing: readonly string[];
  thin?: readonly ThinDate[];
}): string[] =>
  cell.thin && cell.thin.length > 0
    ? [...cell.missing, ...cell.thin.map((t) => t.date)].sort()
    : [...cell.missing];

/** `2022-05-02: 18 of 30 rows, 2022-05-09: 0 of 30 rows` */
export const thinText = (thin: readonly ThinDate[]): string =>
  thin.map((t) => `${t.date}: ${t.rows} of ${t.expected} rows`).join(', ');
