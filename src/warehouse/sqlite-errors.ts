import { WarehouseError } from './warehouse-error.js';
import type { WarehouseErrorKind } from './warehouse-error.js';

/** What the reader process sends back for a failed query (errors do not cross processes intact). */
export type SqliteErrorInfo = { name?: string; code?: string; message: string };

/** Keeps SQLite's own message ("no such table: nba_raw.nbac_schedule") and picks the kind from it. */
export const sqliteErrorToWarehouseError = (info: SqliteErrorInfo): WarehouseError =>
  new WarehouseError(kindOf(info), info.message, { cause: info });

const kindOf = ({ code, name, message }: SqliteErrorInfo): WarehouseErrorKind => {
  if (code === 'FOLDER_MISSING' || code === 'SQLITE_CANTOPEN') return 'not-found';
  if (code === 'NOT_A_QUERY') return 'invalid-query';
  if (code === 'EACCES' || code === 'SQLITE_PERM' || code === 'SQLITE_AUTH') return 'permission';
  if (code === 'SQLITE_READONLY') return 'permission';
  // Busy or locked past busy_timeout: a writer held the file; asking again later can succeed.
  if (code?.startsWith('SQLITE_BUSY') || code?.startsWith('SQLITE_LOCKED')) return 'unreachable';
  if (code === 'SQLITE_ERROR')
    return message.startsWith('no such table') ? 'not-found' : 'invalid-query';
  // better-sqlite3 reports binding problems ("Missing named parameters") as RangeError/TypeError.
  if (name === 'RangeError' || name === 'TypeError') return 'invalid-query';
  return 'other';
};
