import type { DateRange } from './warehouse.js';
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
