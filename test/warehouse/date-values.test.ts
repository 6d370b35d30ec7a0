import { describe, expect, it } from 'vitest';
import { BigQuery } from '@google-cloud/bigquery';
import { checkDateRange, collectDays, toIsoDay } from '../../src/warehouse/date-values.js';
import { WarehouseError } from '../../src/warehouse/warehouse.js';

describe('toIsoDay', () => {
  it.each([
    ['a plain day', '2022-04-16', '2022-04-16'],
    ['a SQLite date-time', '2022-04-16 23:59:59', '2022-04-16'],
    ['an ISO timestamp', '2022-04-16T10:00:00.000Z', '2022-04-16'],
    ['a BigQueryDate', BigQuery.date('2022-04-16'), '2022-04-16'],
    ['a BigQueryDatetime', BigQuery.datetime('2022-04-16T10:00:00'), '2022-04-16'],
    ['a BigQueryTimestamp', BigQuery.timestamp('2022-04-16T23:00:00Z'), '2022-04-16'],
    ['a Date', new Date(Date.UTC(2022, 3, 16, 12)), '2022-04-16'],
  ])('reads %s', (_name, value, day) => {
    expect(toIsoDay(value)).toBe(day);
  });

  it.each([
    ['a number', 42],
    ['text', 'yesterday'],
    ['an impossible day', '2022-02-30'],
    ['a day glued to more digits', '2022-04-161'],
    ['an object without a text value', { value: 20220416 }],
  ])('refuses %s', (_name, value) => {
    expect(toIsoDay(value)).toBeUndefined();
  });
});

describe('collectDays', () => {
  it('returns distinct days in order and skips NULLs', () => {
    expect(collectDays(['2022-04-18', null, '2022-04-16', '2022-04-18 01:00:00'])).toEqual([
      '2022-04-16',
      '2022-04-18',
    ]);
  });

  it('names the offending value in a shape error', () => {
    expect(() => collectDays(['2022-04-16', 42])).toThrow(
      new WarehouseError('shape', 'expected a date in the first column, got 42'),
    );
    expect(() => collectDays(['Lakers'])).toThrow(
      'expected a date in the first column, got "Lakers"',
    );
  });
});

describe('checkDateRange', () => {
  it('accepts YYYY-MM-DD bounds and refuses anything else', () => {
    expect(() => checkDateRange({ start: '2022-04-16', end: '2022-04-18' })).not.toThrow();
    expect(() => checkDateRange({ start: '2022-04-16', end: "2022-04-18' OR 1=1 --" })).toThrow(
      /range end must be YYYY-MM-DD/,
    );
  });
});
