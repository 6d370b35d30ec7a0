import { openBigQueryWarehouse } from './bigquery-warehouse.js';
import { openSqliteWarehouse } from './sqlite-warehouse.js';

export { WarehouseError, isWarehouseError, warehouseErrorKinds } from './warehouse-error.js';
export type { WarehouseErrorKind } from './warehouse-error.js';

/** Inclusive range of days, both 'YYYY-MM-DD'. */
export type DateRange = { start: string; end: string };

export type WarehouseConfig =
  | {
      kind: 'sqlite';
      /** Absolute folder holding one `<dataset>.sqlite` per dataset. */ path: string;
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
    };

export type QueryDatesOptions = {
  /** @default 30_000 */
  timeoutMs?: number;
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
  /** Ends the reader process or client; pending queries reject. */
  close(): Promise<void>;
}

export const openWarehouse = (config: WarehouseConfig): Warehouse =>
  config.kind === 'sqlite' ? openSqliteWarehouse(config.path) : openBigQueryWarehouse(config);
