import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { seedDays, useSqliteWarehouses } from './sqlite-helpers.js';
import { april, rejectionOf } from './warehouse-helpers.js';

const writerFixture = fileURLToPath(new URL('./fixtures/write-days.js', import.meta.url)); // Recursion with no end: only a kill stops it.
const endlessSql =
  'WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT @start FROM c WHERE n < 0';

/** Pids of this process's children that are sqlite reader processes (Linux /proc). */
const readerPids = (): number[] =>
  readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return (
          parent === process.pid &&
          readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('syncAttachments')
        );
      } catch {
        return false; // exited while we looked
      }
    })
    .map(Number);

describe('sqlite warehouse: reader process', () => {
  const warehouses = useSqliteWarehouses();

  it('times out a runaway query while the main thread keeps running, then answers again', async () => {
    const folder = warehouses.newFolder();
    seedDays(folder, 'nba_raw', 'nbac_schedule', ['2022-04-17']);
    const warehouse = warehouses.open(folder);
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 10);
    try {
      const error = await rejectionOf(warehouse.queryDates(endlessSql, april, { timeoutMs: 500 }));
      expect(error.kind).toBe('timeout');
    } finally {
      clearInterval(ticker);
    }
    // ~50 if the event loop was free; a query on the main thread would have allowed at most one.
    expect(ticks).toBeGreaterThanOrEqual(10);
    const sql =
      'SELECT game_date FROM nba_raw.nbac_schedule WHERE game_date BETWEEN @start AND @end';
    expect(await warehouse.queryDates(sql, april, { timeoutMs: 5000 })).toEqual(['2022-04-17']);
  });

  it.runIf(existsSync('/proc'))('kills the reader stuck in a timed-out query', async () => {
    const warehouse = warehouses.open(warehouses.newFolder());
    const query = warehouse.queryDates(endlessSql, april, { timeoutMs: 300 });
    await vi.waitFor(() => expect(readerPids()).toHaveLength(1), { timeout: 5000 });
    expect((await rejectionOf(query)).kind).toBe('timeout');
    await vi.waitFor(() => expect(readerPids()).toEqual([]), { timeout: 5000 });
  });

  it('answers a query queued behind a runaway one once the runaway times out', async () => {
    const folder = warehouses.newFolder();
    seedDays(folder, 'nba_raw', 'nbac_schedule', ['2022-04-18']);
    const warehouse = warehouses.open(folder);
    const runaway = warehouse.queryDates(endlessSql, april, { timeoutMs: 300 });
    const queued = warehouse.queryDates('SELECT game_date FROM nba_raw.nbac_schedule', april, {
      timeoutMs: 10_000,
    });
    expect((await rejectionOf(runaway)).kind).toBe('timeout');
    expect(await queued).toEqual(['2022-04-18']);
  });

  it('rejects a pending query when the warehouse closes', async () => {
    const warehouse = warehouses.open(warehouses.newFolder());
    const rejection = rejectionOf(warehouse.queryDates(endlessSql, april, { timeoutMs: 10_000 }));
    await warehouse.close();
    expect((await rejection).kind).toBe('other');
  });

  it('reads while another process writes: no SQLITE_BUSY, counts only go up', async () => {
    const folder = warehouses.newFolder();
    const warehouse = warehouses.open(folder);
    const writer = spawn(process.execPath, [writerFixture, folder, 'nba_raw'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => writer.once('exit', resolve));
    const lines = createInterface({ input: writer.stdout })[Symbol.asyncIterator]();
    try {
      expect((await lines.next()).value).toBe('started');
      const sql =
        'SELECT DISTINCT game_date FROM nba_raw.games WHERE game_date BETWEEN @start AND @end';
      const everything = { start: '1900-01-01', end: '2999-12-31' };
      const counts: number[] = [];
      for (let i = 0; i < 40; i += 1) {
        counts.push((await warehouse.queryDates(sql, everything, { timeoutMs: 10_000 })).length);
      }
      writer.stdin.end();
      const committed = Number((await lines.next()).value);
      expect(await exited).toBe(0);

      expect(counts).toEqual([...counts].sort((a, b) => a - b));
      // The writer really was writing during the reads, not before or after them.
      expect(new Set(counts).size).toBeGreaterThan(10);
      expect((await warehouse.queryDates(sql, everything)).length).toBe(committed);
    } finally {
      writer.kill();
    }
  });
});
