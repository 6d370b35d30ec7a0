export type DateRange = { start: string; end: string; count: number };

/**
 * Groups missing dates into ranges that are contiguous in the list of expected dates: with
 * game dates, 05-01 and 05-03 are neighbours when no game was played on 05-02.
 */
export const missingRanges = (
  expected: readonly string[],
  missing: ReadonlySet<string>,
): DateRange[] => {
  const ranges: DateRange[] = [];
  let current: DateRange | undefined;
  for (const date of [...expected].sort()) {
    if (missing.has(date)) {
      if (current) {
        current.end = date;
        current.count++;
      } else {
        current = { start: date, end: date, count: 1 };
        ranges.push(current);
      }
    } else {
      current = undefined;
    }
  }
  return ranges;
};

/** `2022-05-01..05-03, 05-09`: later dates drop the year (and month) they share with the first. */
export const formatRanges = (ranges: readonly DateRange[]): string => {
  let previous = '';
  return ranges
    .map((range) => {
      const start = shorten(range.start, previous);
      const text =
        range.start === range.end ? start : `${start}..${shorten(range.end, range.start)}`;
      previous = range.end;
      return text;
    })
    .join(', ');
};

const shorten = (date: string, reference: string): string => {
  if (!reference) return date;
  if (date.slice(0, 4) !== reference.slice(0, 4)) return date;
  return date.slice(5);
};

/** Every calendar day from start to end, inclusive, as YYYY-MM-DD. */
export const everyDay = (start: string, end: string): string[] => {
  const days: string[] = [];
  for (
    let day = new Date(`${start}T00:00:00Z`);
    day.toISOString().slice(0, 10) <= end;
    day.setUTCDate(day.getUTCDate() + 1)
  ) {
    days.push(day.toISOString().slice(0, 10));
  }
  return days;
};
