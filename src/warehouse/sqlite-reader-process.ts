import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { sqliteErrorToWarehouseError } from './sqlite-errors.js';
import type { SqliteErrorInfo } from './sqlite-errors.js';
import { sqliteReaderSource } from './sqlite-reader-source.js';
import { WarehouseError } from './warehouse-error.js';

/**
 * Runs SQLite queries in a child process, one at a time, so better-sqlite3's synchronous calls never
 * block the console's event loop.
 *
 * A process, not a worker thread: a query stuck inside SQLite's C code cannot be stopped in a
 * worker (`terminate()` waits for the native call to return, and so does `process.exit()`, which
 * joins worker threads), and this build of SQLite has neither a progress handler nor
 * `sqlite3_interrupt` exposed. SIGKILL stops a child at once.
 */
export type SqliteReader = {
  /**
   * Resolves with the first two columns of every row (none when `prepareOnly`: the statement is
   * only compiled, which finds unknown tables and columns without reading a row) and how many
   * columns the statement has; rejects with WarehouseError.
   */
  query(
    sql: string,
    params: Record<string, string>,
    timeoutMs: number,
    prepareOnly?: boolean,
  ): Promise<ReaderResult>;
  close(): Promise<void>;
};

export type ReaderResult = { rows: unknown[][]; columns: number };

/** Time a new reader process may take to start (node and better-sqlite3 load) on a busy machine. */
const readerStartAllowanceMs = 5_000;

type Request = {
  id: number;
  sql: string;
  params: Record<string, string>;
  prepareOnly: boolean;
  resolve: (result: ReaderResult) => void;
  reject: (error: WarehouseError) => void;
  timeoutMs: number;
  timer?: NodeJS.Timeout;
};

type ReaderMessage =
  | { fatal: SqliteErrorInfo }
  | { id: number; rows: unknown[][]; columns: number }
  | { id: number; error: SqliteErrorInfo };

const betterSqlite3Entry = createRequire(import.meta.url).resolve('better-sqlite3');

// Killed when the console exits, so a runaway query cannot outlive it. One listener for all
// readers keeps clear of the 10-listener warning, which would print over the UI.
const liveReaders = new Set<ChildProcess>();
let exitHookInstalled = false;
const trackReader = (reader: ChildProcess) => {
  liveReaders.add(reader);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => liveReaders.forEach((r) => r.kill('SIGKILL')));
};

/** `location` is the warehouse folder, or the one database file for the `file` layout. */
export const createSqliteReader = (
  location: string,
  layout: 'folder' | 'file',
  busyTimeoutMs: number,
): SqliteReader => {
  const queue: Request[] = [];
  let running: Request | undefined;
  let child: ChildProcess | undefined;
  let lastFatal: SqliteErrorInfo | undefined;
  let nextId = 1;
  let closed = false;

  const startChild = (): ChildProcess => {
    const started = spawn(
      process.execPath,
      ['-e', sqliteReaderSource, betterSqlite3Entry, location, layout, String(busyTimeoutMs)],
      // No stdout/stderr pipes: an open pipe would keep the console alive after it is done.
      { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], serialization: 'advanced' },
    );
    // An idle reader must not keep the process alive; a pending query's timer does while it runs.
    started.unref();
    started.channel?.unref();
    trackReader(started);
    // Only the current reader speaks; a killed one may still have had a reply in its pipe.
    started.on('message', (message: ReaderMessage) => {
      if (child === started) onMessage(message);
    });
    started.on('error', (error) =>
      onChildGone(started, `could not start the sqlite reader: ${error.message}`),
    );
    started.on('exit', (code, signal) =>
      onChildGone(started, `the sqlite reader exited (${signal ?? `code ${code}`})`),
    );
    return started;
  };

  const onMessage = (message: ReaderMessage) => {
    if ('fatal' in message) {
      lastFatal = message.fatal;
      return;
    }
    const request = running;
    if (!request || request.id !== message.id) return;
    finish(request);
    if ('error' in message) request.reject(sqliteErrorToWarehouseError(message.error));
    else request.resolve({ rows: message.rows, columns: message.columns });
    dispatch();
  };

  const onChildGone = (gone: ChildProcess, why: string) => {
    liveReaders.delete(gone);
    if (child !== gone) return;
    child = undefined;
    const request = running;
    if (request) {
      finish(request);
      const detail = lastFatal ? `: ${lastFatal.message}` : '';
      request.reject(new WarehouseError('unreachable', `${why}${detail}`));
    }
    lastFatal = undefined;
    dispatch();
  };

  const finish = (request: Request) => {
    clearTimeout(request.timer);
    if (running === request) running = undefined;
  };

  const dispatch = () => {
    if (running || closed) return;
    const request = queue.shift();
    if (!request) return;
    running = request;
    // The clock starts when the query reaches the reader, not when it was queued: one
    // runaway query must not time out the quick ones waiting behind it. Starting a fresh
    // reader (first query, or after a runaway was killed) is not the query's time either.
    const fresh = child === undefined;
    child ??= startChild();
    const allowance = request.timeoutMs + (fresh ? readerStartAllowanceMs : 0);
    request.timer = setTimeout(() => onTimeout(request, request.timeoutMs), allowance);
    // A failed send means the reader just died; its 'exit' event rejects the request.
    child.send(
      {
        id: request.id,
        sql: request.sql,
        params: request.params,
        prepareOnly: request.prepareOnly,
      },
      () => undefined,
    );
  };

  const onTimeout = (request: Request, timeoutMs: number) => {
    const queued = queue.indexOf(request);
    if (queued >= 0) queue.splice(queued, 1);
    if (running === request) {
      finish(request);
      const stuck = child;
      child = undefined;
      stuck?.kill('SIGKILL');
    }
    request.reject(
      new WarehouseError('timeout', `sqlite query did not finish within ${timeoutMs} ms`),
    );
    dispatch();
  };

  return {
    query: (sql, params, timeoutMs, prepareOnly = false) =>
      new Promise<ReaderResult>((resolve, reject) => {
        if (closed) {
          reject(new WarehouseError('other', 'the sqlite warehouse is closed'));
          return;
        }
        const id = nextId++;
        const request: Request = { id, sql, params, prepareOnly, resolve, reject, timeoutMs };
        queue.push(request);
        dispatch();
      }),

    close: async () => {
      if (closed) return;
      closed = true;
      const error = new WarehouseError(
        'other',
        'the sqlite warehouse was closed before the query finished',
      );
      for (const request of [running, ...queue.splice(0)]) {
        if (!request) continue;
        finish(request);
        request.reject(error);
      }
      running = undefined;
      const last = child;
      child = undefined;
      if (!last || last.exitCode !== null || last.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => last.once('exit', () => resolve()));
      // The reader is unref'd so it never keeps the console alive; while we wait for its exit
      // it must, or the loop empties and this promise is silently dropped.
      last.ref();
      last.kill('SIGKILL');
      await exited;
    },
  };
};
