import { WarehouseError } from './warehouse-error.js';
import type { WarehouseErrorKind } from './warehouse-error.js';

// BigQuery's error reasons (cloud.google.com/bigquery/docs/error-messages) say more than the HTTP
// status: a 403 may be a rate limit, which waiting fixes, or a missing role, which it does not.
const kindByReason: Record<string, WarehouseErrorKind> = {
  quotaExceeded: 'quota',
  rateLimitExceeded: 'quota',
  accessDenied: 'permission',
  billingNotEnabled: 'permission',
  notFound: 'not-found',
  invalidQuery: 'invalid-query',
  invalid: 'invalid-query',
  responseTooLarge: 'invalid-query',
  timeout: 'timeout',
  backendError: 'unreachable',
  internalError: 'unreachable',
};

const kindByStatus: Record<number, WarehouseErrorKind> = {
  400: 'invalid-query',
  401: 'auth',
  403: 'permission',
  404: 'not-found',
  408: 'timeout',
  429: 'quota',
};

const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

type ClientError = { code?: unknown; type?: unknown; errors?: { reason?: unknown }[] };

/** Maps an ApiError, a network FetchError or an auth failure to a kind, keeping the message as sent. */
export const bigQueryErrorToWarehouseError = (error: unknown): WarehouseError => {
  if (error instanceof WarehouseError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new WarehouseError(kindOf(error as ClientError, message), message, { cause: error });
};

const kindOf = (error: ClientError, message: string): WarehouseErrorKind => {
  const reason = error?.errors?.[0]?.reason;
  if (typeof reason === 'string' && kindByReason[reason]) return kindByReason[reason];
  const { code } = error ?? {};
  if (typeof code === 'number') {
    if (kindByStatus[code]) return kindByStatus[code];
    if (code >= 500) return 'unreachable';
  }
  // node-fetch, under the client, names a per-request timeout with `type`, socket errors with `code`.
  if (error?.type === 'request-timeout') return 'timeout';
  if (typeof code === 'string' && networkCodes.has(code)) return 'unreachable';
  if (/default credentials|invalid_grant|unauthorized_client|invalid_rapt/i.test(message))
    return 'auth';
  return 'other';
};
