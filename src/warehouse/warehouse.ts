import { openBigQueryWarehouse } from './bigquery-warehouse.js';
import { openSqliteWarehouse } from './sqlite-warehouse.js';

export {
  WarehouseError,
  isMissingTable,
  isWarehouseError,
  warehouseErrorKinds,
} from './warehouse-error.js';
export type { WarehouseErrorKind } from './warehouse-error.js';

/** Inclusive range of days, both 'YYYY-MM-DD'. */
export type DateRange = { start: string; end: string };

export type WarehouseConfig =
  | {
      kind: 'sqlite';
      /** Absolute folder holding one `<dataset>.sqlite` per dataset, or the one database file. */
      path: string;
      /** `folder`: `dataset.table` names one file's table; `file`: plain names. @default 'folder' */
      layout?: 'folder' | 'file';
    }
  | {
      kind: 'bigquery';
      projectId: string;
      /** Sent with every query; BigQuery otherwise guesses from the tables. */
      location?: string;
      /** e.g. a local test server, 'http://127.0.0.1:9050'. */
      apiEndpoint?: string;
      /** Send no credentials at all (local servers only). @default false */
      anonymous?: boolean;
      /** The dataset of plain table names (sent as the queries' default dataset). */
      dataset?: string;
    };

export type QueryDatesOptions = {
  /** @default 30_000 */
  timeoutMs?: number;
};

/** One day a query returned, with the rows its second column counted (undefined without one). */
export type DayRows = { day: string; rows?: number };

/** What the warehouse says about a query it was asked about but did not run. */
export type QueryInspection = {
  /** Bytes the query would scan (BigQuery's dry run); undefined where the engine cannot say. */
  bytes?: number;
};

/** The one view of a warehouse the coverage tracker needs. */
export interface Warehouse {
  readonly kind: 'sqlite' | 'bigquery';
  /** For status lines, e.g. "sqlite ./warehouse" or "bigquery nba-props-platform (us-west2)". */
  readonly description: string;
  /**
   * Runs SQL whose first column is a date, with @start and @end bound as DATE parameters; returns
   * distinct sorted 'YYYY-MM-DD' strings. Rejects with WarehouseError.
   */
  queryDates(sql: string, range: DateRange, options?: QueryDatesOptions): Promise<string[]>;
  /**
   * Like queryDates, with an optional second column counting the day's rows (summed when a day
   * comes back more than once).
   */
  queryDayRows(sql: string, range: DateRange, options?: QueryDatesOptions): Promise<DayRows[]>;
  /**
   * Runs SQL that returns one number (first column of the first row; null for no row or NULL).
   * Only the parameters the SQL names (`@start`, `@end`) are bound.
   */
  queryNumber(
    sql: string,
    range: Partial<DateRange>,
    options?: QueryDatesOptions,
  ): Promise<number | null>;
  /** Asks the engine to check the query without running it (a dry run, or prepare only). */
  inspect(
    sql: string,
    range: Partial<DateRange>,
    options?: QueryDatesOptions,
  ): Promise<QueryInspection>;
  /** Ends the reader process or client; pending queries reject. */
  close(): Promise<void>;
}

export const openWarehouse = (config: WarehouseConfig): Warehouse =>
  config.kind === 'sqlite'
    ? openSqliteWarehouse(config.path, config.layout)
    : openBigQueryWarehouse(config);
