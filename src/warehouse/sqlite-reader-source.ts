/**
 * Source of the SQLite reader process, run with `node -e`. It is a string rather than a module file
 * so that it runs the same from `dist/` (tsc output) and from `src/` under vitest, where no compiled
 * `.js` sits next to the `.ts`. Plain CommonJS, no TypeScript: nothing transforms it.
 *
 * argv: better-sqlite3 entry path, warehouse path, layout (`folder` or `file`), busy timeout in ms.
 * in:  { id, sql, params, prepareOnly }
 * out: { id, rows } (the first two columns of each row; none when prepareOnly) | { id, error }
 *
 * Folder layout: one in-memory main database with each dataset file ATTACHed under its name, so
 * `nba_raw.table` means `<folder>/nba_raw.sqlite`. File layout: the one file is the main database,
 * so plain table names (or `main.table`) work. `query_only` makes the whole connection read-only
 * (ATTACH cannot take a read-only flag: better-sqlite3 is built without URI file names).
 */
export const sqliteReaderSource = String.raw`
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const [betterSqlite3Path, folder, layout, busyTimeoutMs] = process.argv.slice(1);

const reply = (message) => { if (process.connected) process.send(message); };
const errorOf = (error) => ({ name: error.name, code: error.code, message: error.message });
process.on('uncaughtException', (error) => { reply({ fatal: errorOf(error) }); process.exit(70); });
// The parent going away closes the channel; a reader with nobody to answer has no reason to live.
process.on('disconnect', () => process.exit(0));

const Database = require(betterSqlite3Path);
const openConnection = (file) => {
  const connection = new Database(file, { fileMustExist: file !== ':memory:' });
  connection.pragma('busy_timeout = ' + Number(busyTimeoutMs));
  connection.pragma('query_only = ON');
  return connection;
};
const db = layout === 'file' ? undefined : openConnection(':memory:');

// SQLite allows 10 attached databases, so only datasets the SQL names are attached.
const maxAttached = 10;
const attached = new Map(); // dataset -> inode of the attached file
const quote = (name) => '"' + name.replace(/"/g, '""') + '"';
const escapeRegExp = (text) => text.replace(/[.*+?^$()|[\]{}\\]/g, '\\$&');
const mentions = (sql, name) =>
  new RegExp('(^|[^A-Za-z0-9_])' + escapeRegExp(name) + '["\x60\\]]?\\s*\\.', 'i').test(sql);

const datasetsOnDisk = () => {
  try {
    return fs.readdirSync(folder).filter((f) => f.endsWith('.sqlite')).map((f) => f.slice(0, -7));
  } catch (error) {
    if (error.code === 'ENOENT') {
      throw Object.assign(new Error('sqlite warehouse folder does not exist: ' + folder), { code: 'FOLDER_MISSING' });
    }
    throw error;
  }
};

const fileOf = (name) => path.join(folder, name + '.sqlite');
const inodeOf = (name) => {
  try {
    return fs.statSync(fileOf(name)).ino;
  } catch {
    return undefined;
  }
};
const detach = (name) => { db.exec('DETACH DATABASE ' + quote(name)); attached.delete(name); };

// Re-scanned on every query (one readdir, a stat per attached file): a processor may create a
// dataset file, or rebuild one, at any time.
const syncAttachments = (sql) => {
  const onDisk = datasetsOnDisk();
  for (const [name, ino] of attached) {
    // A rebuilt file is a new inode; the attached handle would keep reading the deleted one.
    if (inodeOf(name) !== ino) detach(name);
  }
  const missing = onDisk.filter((name) => mentions(sql, name) && !attached.has(name));
  if (attached.size + missing.length > maxAttached) {
    for (const name of [...attached.keys()]) if (!mentions(sql, name)) detach(name);
  }
  for (const name of missing) {
    const ino = inodeOf(name);
    if (ino === undefined) continue;
    try {
      db.prepare('ATTACH DATABASE ? AS ' + quote(name)).run(fileOf(name));
    } catch (error) {
      error.message += ' (' + fileOf(name) + ')';
      throw error;
    }
    attached.set(name, ino);
  }
};

// File layout: opened on first use and again when the file is rebuilt (a new inode), since a
// processor may create the file after the console started.
let fileDb;
let fileIno;
const fileConnection = () => {
  let ino;
  try {
    ino = fs.statSync(folder).ino;
  } catch (error) {
    if (error.code === 'ENOENT') {
      throw Object.assign(new Error('sqlite warehouse file does not exist: ' + folder), { code: 'FOLDER_MISSING' });
    }
    throw error;
  }
  if (fileDb && fileIno === ino) return fileDb;
  if (fileDb) fileDb.close();
  fileDb = openConnection(folder);
  fileIno = ino;
  return fileDb;
};

const connectionFor = (sql) => {
  if (layout === 'file') return fileConnection();
  syncAttachments(sql);
  return db;
};

process.on('message', (request) => {
  try {
    const statement = connectionFor(request.sql).prepare(request.sql);
    if (!statement.reader) {
      throw Object.assign(new Error('the query returns no rows: use a SELECT'), { code: 'NOT_A_QUERY' });
    }
    if (request.prepareOnly) {
      reply({ id: request.id, rows: [], columns: statement.columns().length });
      return;
    }
    const rows = statement.raw(true).all(request.params);
    reply({ id: request.id, rows: rows.map((row) => row.slice(0, 2)), columns: rows[0] ? rows[0].length : 0 });
  } catch (error) {
    // SQLite does not say which attached file is broken: name the candidates.
    if (error && error.code === 'SQLITE_NOTADB') {
      error.message += ' (attached: ' + [...attached.keys()].map(fileOf).join(', ') + ')';
    }
    reply({ id: request.id, error: errorOf(error) });
  }
});
`;
