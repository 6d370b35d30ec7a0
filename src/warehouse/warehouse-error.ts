/**
 * What went wrong, coarsely enough for the coverage tracker to decide what to show and whether
 * retrying can help: `timeout`, `quota` and `unreachable` may pass; the others need the operator.
 */
export const warehouseErrorKinds = [
  'timeout',
  'auth',
  'permission',
  'not-found',
  'quota',
  'invalid-query',
  'unreachable',
  'shape',
  'other',
] as const;

export type WarehouseErrorKind = (typeof warehouseErrorKinds)[number];

/** Every rejection from a Warehouse; `message` keeps the engine's own text so operators can search it. */
export class WarehouseError extends Error {
  constructor(
    readonly kind: WarehouseErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WarehouseError';
  }
}

export const isWarehouseError = (value: unknown): value is WarehouseError =>
  value instanceof WarehouseError;

/**
 * A query that failed only because a table it reads does not exist: SQLite's "no such table",
 * BigQuery's "Not found: Table". Other not-found errors (a dataset, a file, a job) are not this.
 */
export const isMissingTable = (error: unknown): boolean =>
  error instanceof WarehouseError &&
  error.kind === 'not-found' &&
  /no such table|not found: table/i.test(error.message);
