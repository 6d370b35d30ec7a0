import { statSync } from 'node:fs';
import path from 'node:path';
import type { ParsedPlan } from './schema.js';
import type { ReferenceProblem } from './check-references.js';

/** How the plan's warehouse names tables, and so which `coverage.table` forms it accepts. */
export type TableNaming =
  | { kind: 'sqlite'; layout: 'folder' | 'file'; path: string }
  | { kind: 'bigquery'; dataset?: string };

/** File names that mean one SQLite database even before it exists. */
const sqliteFileExtension = /\.(sqlite3?|db)$/i;

/**
 * A SQLite `path` is one database file when it is a file, or does not exist yet and is named like
 * one (`.sqlite`, `.sqlite3`, `.db`); otherwise it is a folder of `<dataset>.sqlite` files.
 */
export const sqliteLayoutOf = (absolute: string): 'folder' | 'file' => {
  try {
    return statSync(absolute).isFile() ? 'file' : 'folder';
  } catch {
    return sqliteFileExtension.test(absolute) ? 'file' : 'folder';
  }
};

export const tableNamingOf = (plan: Pick<ParsedPlan, 'warehouse'>, dir: string): TableNaming => {
  const spec = plan.warehouse ?? { kind: 'sqlite' as const, path: './warehouse' };
  if (spec.kind === 'bigquery') return { kind: 'bigquery', dataset: spec.dataset };
  const absolute = path.resolve(dir, spec.path);
  return { kind: 'sqlite', layout: sqliteLayoutOf(absolute), path: absolute };
};

/** One line for `validate`: which table names this plan's warehouse takes. */
export const describeTableNaming = (naming: TableNaming): string => {
  if (naming.kind === 'bigquery') {
    return naming.dataset
      ? `bigquery: plain names are tables of dataset ${naming.dataset}; dataset.table names any other`
      : 'bigquery: dataset.table (set warehouse.dataset to use plain names)';
  }
  return naming.layout === 'file'
    ? `sqlite, one database file ${naming.path}: plain table names (main.table too)`
    : `sqlite, a folder of <dataset>.sqlite files ${naming.path}: dataset.table`;
};

/** `coverage.table` names the warehouse could not resolve, each with the form it expects. */
export const checkTableNames = (plan: ParsedPlan, dir: string): ReferenceProblem[] => {
  const naming = tableNamingOf(plan, dir);
  const problems: ReferenceProblem[] = [];
  plan.processors.forEach((processor, index) => {
    const coverage = processor.coverage;
    if (!coverage || !('table' in coverage)) return;
    const parts = coverage.table.split('.').length;
    const message = problemOf(naming, parts, coverage.table);
    if (message) problems.push({ path: ['processors', index, 'coverage', 'table'], message });
  });
  return problems;
};

const problemOf = (naming: TableNaming, parts: number, table: string): string | undefined => {
  if (naming.kind === 'bigquery') {
    return parts === 1 && !naming.dataset
      ? `"${table}" has no dataset: write dataset.table, or set warehouse.dataset`
      : undefined;
  }
  if (naming.layout === 'file') {
    if (parts === 1 || (parts === 2 && table.startsWith('main.'))) return undefined;
    return `"${table}": the warehouse is one SQLite file, so write the plain table name (or main.table)`;
  }
  return parts === 2
    ? undefined
    : `"${table}": the warehouse is a folder of <dataset>.sqlite files, so write dataset.table`;
};
