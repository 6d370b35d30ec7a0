import { describe, expect, it } from 'vitest';
import { formatRanges, missingRanges } from '../../src/state/date-ranges.js';

describe('missingRanges', () => {
  it('joins missing dates that are neighbours in the expected game dates, across days with no game', () => {
    // No game on 05-02: 05-01 and 05-03 are consecutive game dates.
    const expected = ['2022-05-01', '2022-05-03', '2022-05-04'];
    expect(missingRanges(expected, new Set(['2022-05-01', '2022-05-03']))).toEqual([
      { start: '2022-05-01', end: '2022-05-03', count: 2 },
    ]);
  });

  it('splits ranges at an expected date that is present', () => {
    const expected = ['2022-05-01', '2022-05-02', '2022-05-03', '2022-05-04', '2022-05-05'];
    const missing = new Set(['2022-05-01', '2022-05-02', '2022-05-04']);
    expect(missingRanges(expected, missing)).toEqual([
      { start: '2022-05-01', end: '2022-05-02', count: 2 },
      { start: '2022-05-04', end: '2022-05-04', count: 1 },
    ]);
  });

  it('gives a single missing date a range of one', () => {
    const expected = ['2022-04-16', '2022-04-17', '2022-04-19'];
    expect(missingRanges(expected, new Set(['2022-04-17']))).toEqual([
      { start: '2022-04-17', end: '2022-04-17', count: 1 },
    ]);
  });

  it('orders by date even when the expected list is not sorted', () => {
    const expected = ['2022-04-19', '2022-04-16', '2022-04-17'];
    expect(missingRanges(expected, new Set(['2022-04-19', '2022-04-17']))).toEqual([
      { start: '2022-04-17', end: '2022-04-19', count: 2 },
    ]);
  });

  it('ignores missing dates that are not expected', () => {
    const expected = ['2022-04-16', '2022-04-17'];
    expect(missingRanges(expected, new Set(['2022-04-18', '2022-04-17']))).toEqual([
      { start: '2022-04-17', end: '2022-04-17', count: 1 },
    ]);
  });

  it('returns no ranges for empty input or nothing missing', () => {
    expect(missingRanges([], new Set())).toEqual([]);
    expect(missingRanges([], new Set(['2022-04-16']))).toEqual([]);
    expect(missingRanges(['2022-04-16'], new Set())).toEqual([]);
  });

  it('keeps a range going across a year change', () => {
    const expected = ['2022-12-30', '2022-12-31', '2023-01-01', '2023-01-02'];
    const missing = new Set(['2022-12-31', '2023-01-01', '2023-01-02']);
    expect(missingRanges(expected, missing)).toEqual([
      { start: '2022-12-31', end: '2023-01-02', count: 3 },
    ]);
  });
});

describe('formatRanges', () => {
  const format = (expected: string[], missing: string[]) =>
    formatRanges(missingRanges(expected, new Set(missing)));

  it('writes the first date in full and drops the year later dates share', () => {
    const expected = ['2022-05-01', '2022-05-02', '2022-05-03', '2022-05-05', '2022-05-09'];
    expect(format(expected, ['2022-05-01', '2022-05-02', '2022-05-03', '2022-05-09'])).toBe(
      '2022-05-01..05-03, 05-09',
    );
  });

  it('keeps the month when it changes within the year', () => {
    const expected = ['2022-04-19', '2022-04-20', '2022-05-02', '2022-05-03'];
    expect(format(expected, ['2022-04-19', '2022-05-02', '2022-05-03'])).toBe(
      '2022-04-19, 05-02..05-03',
    );
  });

  it('writes a single missing date alone, without a range', () => {
    expect(format(['2022-04-16', '2022-04-17'], ['2022-04-17'])).toBe('2022-04-17');
  });

  it('writes the end of a range that crosses into a new year in full', () => {
    const expected = ['2022-12-30', '2022-12-31', '2023-01-01', '2023-01-03'];
    expect(format(expected, ['2022-12-31', '2023-01-01'])).toBe('2022-12-31..2023-01-01');
  });

  it('writes a later range in a new year in full, then shortens against that year', () => {
    const expected = ['2022-12-30', '2022-12-31', '2023-01-02', '2023-01-05', '2023-01-06'];
    expect(format(expected, ['2022-12-30', '2023-01-02', '2023-01-06'])).toBe(
      '2022-12-30, 2023-01-02, 01-06',
    );
  });

  it('is empty for no ranges', () => {
    expect(formatRanges([])).toBe('');
  });
});
