import type { DateRange, DayRows } from './warehouse.js';
import { WarehouseError } from './warehouse-error.js';

// A date, optionally followed by a time: TIMESTAMP/DATETIME values count for the day they fall on.
const leadingDate = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/;
const isoDay = /^\d{4}-\d{2}-\d{2}$/;

/** `YYYY-MM-DD` of a date-like value, or undefined when the value is not one. */
export const toIsoDay = (value: unknown): string | undefined => {
  if (typeof value === 'string') {
    const match = leadingDate.exec(value);
    if (!match) return undefined;
    const day = value.slice(0, 10);
    return isRealDay(day) ? day : undefined;
  }
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? undefined : value.toISOString().slice(0, 10);
  }
  // BigQueryDate, BigQueryDatetime and BigQueryTimestamp all carry their text in `value`.
  if (typeof value === 'object' && value !== null && 'value' in value) {
    const inner = value.value;
    return typeof inner === 'string' ? toIsoDay(inner) : undefined;
  }
  return undefined;
};

/**
 * Distinct, sorted days from the first column of a result. NULLs are skipped: `SELECT DISTINCT`
 * over a nullable column yields one NULL row, which says nothing about which days are covered.
 */
export const collectDays = (firstColumn: readonly unknown[]): string[] => {
  const days = new Set<string>();
  for (const value of firstColumn) {
    if (value === null || value === undefined) continue;
    const day = toIsoDay(value);
    if (day === undefined) {
      throw new WarehouseError(
        'shape',
        `expected a date in the first column, got ${describeValue(value)}`,
      );
    }
    days.add(day);
  }
  // ISO days sort correctly as plain strings.
  return [...days].sort();
};

/**
 * Days of the first column with the row counts of the second, summed per day (a TIMESTAMP column
 * may give several rows for one day). Without a second column `rows` stays undefined.
 */
export const collectDayRows = (rows: readonly (readonly unknown[])[]): DayRows[] => {
  const counts = new Map<string, number | undefined>();
  for (const row of rows) {
    const value = row[0];
    if (value === null || value === undefined) continue;
    const day = toIsoDay(value);
    if (day === undefined) {
      throw new WarehouseError(
        'shape',
        `expected a date in the first column, got ${describeValue(value)}`,
      );
    }
    if (row.length < 2) {
      counts.set(day, undefined);
      continue;
    }
    const count = toNumber(row[1]);
    if (count === undefined) {
      throw new WarehouseError(
        'shape',
        `expected a row count in the second column, got ${describeValue(row[1])}`,
      );
    }
    counts.set(day, (counts.get(day) ?? 0) + count);
  }
  return [...counts.keys()].sort().map((day) => {
    const count = counts.get(day);
    return count === undefined ? { day } : { day, rows: count };
  });
};

/** The one number a check's SQL returns: first column of the first row, null for none. */
export const singleNumber = (rows: readonly (readonly unknown[])[]): number | null => {
  const value = rows[0]?.[0];
  if (value === null || value === undefined) return null;
  const number = toNumber(value);
  if (number === undefined) {
    throw new WarehouseError('shape', `expected a number, got ${describeValue(value)}`);
  }
  return number;
};

/** Numbers as engines send them: JS numbers, bigints (SQLite), numeric strings (BigQuery). */
const toNumber = (value: unknown): number | undefined => {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  // BigQuery's NUMERIC/BIGNUMERIC arrive as Big objects: Number() reads their valueOf.
  if (typeof value === 'object') {
    const number = Number(value);
    return Number.isFinite(number) ? number : undefined;
  }
  return undefined;
};

/** Only the parameters a statement names: engines may reject one that is bound but unused. */
export const namedParams = (sql: string, range: Partial<DateRange>): Partial<DateRange> => {
  const params: Partial<DateRange> = {};
  if (range.start !== undefined && /@start\b/i.test(sql)) params.start = range.start;
  if (range.end !== undefined && /@end\b/i.test(sql)) params.end = range.end;
  return params;
};

/** Rejects malformed bounds before they reach an engine, where they would compare as text or NULL. */
export const checkDateRange = (range: DateRange): void => {
  for (const [name, day] of [
    ['start', range.start],
    ['end', range.end],
  ] as const) {
    if (!isoDay.test(day) || !isRealDay(day)) {
      throw new WarehouseError(
        'invalid-query',
        `range ${name} must be YYYY-MM-DD, got ${JSON.stringify(day)}`,
      );
    }
  }
};

const isRealDay = (day: string): boolean => {
  const parsed = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(day);
};

const describeValue = (value: unknown): string => {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (Buffer.isBuffer(value)) return `a ${value.length}-byte blob`;
  if (typeof value === 'object' && value !== null) {
    const json = JSON.stringify(value) ?? Object.prototype.toString.call(value);
    return json.length > 60 ? `${json.slice(0, 60)}…` : json;
  }
  return String(value);
};
