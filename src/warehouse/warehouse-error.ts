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
