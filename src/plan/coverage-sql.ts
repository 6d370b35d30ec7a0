import type { Plan, Processor } from './types.js';

/**
 * The query whose rows are the dates a processor's output covers, with each date's row count (so
 * `minRows` and expected per-date counts can find thin dates). Table and column names passed the
 * schema's identifier patterns; dates are only ever the @start/@end parameters.
 */
export const coverageSql = (processor: Processor): string | undefined => {
  const coverage = processor.coverage;
  if (!coverage) return undefined;
  if ('sql' in coverage) return coverage.sql;
  const column = coverage.dateColumn;
  return `SELECT ${column}, COUNT(*) AS row_count FROM ${coverage.table} WHERE ${column} BETWEEN @start AND @end GROUP BY ${column}`;
};

/** The dates a processor's window should cover: its own `expected.sql`, else the plan's. */
export const expectedSql = (
  plan: Pick<Plan, 'expected'>,
  processor: Processor,
): string | undefined => processor.expected?.sql ?? plan.expected?.sql;
