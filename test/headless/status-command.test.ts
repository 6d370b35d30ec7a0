import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openSqliteDatasetForWrite } from '../../src/warehouse/sqlite-warehouse.js';

const bin = fileURLToPath(new URL('../../bin/backfill-console.js', import.meta.url));

const run = (args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile('node', [bin, ...args], { encoding: 'utf8' }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });

const games = ['2022-04-16', '2022-04-17', '2022-04-19', '2022-04-20'];

/** A plan over a real SQLite folder: a schedule, and an output table holding `done` dates. */
const setUp = (done: string[], extraProcessor = '') => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'status-'));
  const warehouse = path.join(dir, 'warehouse');
  const raw = openSqliteDatasetForWrite(warehouse, 'nba_raw');
  raw.exec('CREATE TABLE nbac_schedule (game_date TEXT, game_status INTEGER)');
  const insert = raw.prepare('INSERT INTO nbac_schedule VALUES (?, ?)');
  for (const date of games) insert.run(date, 3);
  insert.run('2022-04-21', 1); // scheduled, not final: not expected
  raw.close();
  const out = openSqliteDatasetForWrite(warehouse, 'nba_precompute');
  out.exec('CREATE TABLE zones (analysis_date TEXT)');
  for (const date of done) out.prepare('INSERT INTO zones VALUES (?)').run(date);
  out.close();
  const file = path.join(dir, 'backfill.yaml');
  writeFileSync(
    file,
    `version: 1
name: status test
warehouse: { kind: sqlite, path: ./warehouse }
expected:
  sql: SELECT DISTINCT game_date FROM nba_raw.nbac_schedule WHERE game_status = 3 AND game_date BETWEEN @start AND @end
windows:
  - { id: "2021-22", start: 2022-04-16, end: 2022-04-22 }
phases:
  - { id: "4", title: Phase 4 precompute }
processors:
  - id: zones
    phase: "4"
    command: [node, -e, ""]
    coverage: { table: nba_precompute.zones, dateColumn: analysis_date }
${extraProcessor}`,
  );
  return file;
};

describe('status', () => {
  it('exits 0 and reports every cell complete', async () => {
    const result = await run(['status', '--plan', setUp(games)]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/zones\s+4\/4 100%/);
    expect(result.stdout).toContain('1/1 cells complete');
  });

  it('exits 1 and lists the missing dates as ranges when a cell is incomplete', async () => {
    const result = await run(['status', '--plan', setUp(['2022-04-16'])]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/zones\s+1\/4 25%/);
    expect(result.stdout).toContain('zones 2021-22: 2022-04-17..04-20');
  });

  it('prints covered, expected and missing dates per cell as JSON', async () => {
    const result = await run(['status', '--plan', setUp(['2022-04-16', '2022-04-20']), '--json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as {
      complete: boolean;
      cells: Record<string, unknown>[];
    };
    expect(report.complete).toBe(false);
    expect(report.cells).toEqual([
      {
        processor: 'zones',
        window: '2021-22',
        phase: '4',
        state: 'partial',
        covered: 2,
        expected: 4,
        percent: 50,
        missing: ['2022-04-17', '2022-04-19'],
        missingRanges: [{ start: '2022-04-17', end: '2022-04-19', count: 2 }],
        thin: [],
        // never run: no record in the run history
        lastRun: null,
      },
    ]);
  });

  it('exits 1 and counts an output table that does not exist yet as missing', async () => {
    const unbuilt = `  - id: ghost
    phase: "4"
    command: [node, -e, ""]
    coverage: { table: nba_precompute.ghost, dateColumn: game_date }
`;
    const result = await run(['status', '--plan', setUp(games, unbuilt), '--json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as {
      cells: { processor: string; state: string; missing: string[]; note?: string }[];
    };
    const ghost = report.cells.find((c) => c.processor === 'ghost');
    expect(ghost).toMatchObject({
      state: 'missing',
      missing: games,
      note: 'table does not exist yet',
    });
    expect(report.cells.find((c) => c.processor === 'zones')?.state).toBe('complete');
  });

  it('exits 2 with the query error when a coverage query is wrong', async () => {
    const broken = `  - id: ghost
    phase: "4"
    command: [node, -e, ""]
    coverage: { table: nba_precompute.zones, dateColumn: game_day }
`;
    const result = await run(['status', '--plan', setUp(games, broken), '--json']);
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout) as {
      cells: { processor: string; state: string; error?: string }[];
    };
    const ghost = report.cells.find((c) => c.processor === 'ghost');
    expect(ghost?.state).toBe('error');
    expect(ghost?.error).toMatch(/no such column: game_day/);
  });

  it('lists thin dates apart from missing ones, with their counts, and exits 1', async () => {
    const thin = `  - id: thin
    phase: "4"
    command: [node, -e, ""]
    coverage: { table: nba_precompute.zones, dateColumn: analysis_date, minRows: 2 }
`;
    const file = setUp([...games, '2022-04-16'], thin);
    const text = await run(['status', '--plan', file]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/thin\s+1\/4 25%/);
    expect(text.stdout).toContain('thin 2021-22: 2022-04-17: 1 of 2 rows');
    const json = await run(['status', '--plan', file, '--json']);
    const report = JSON.parse(json.stdout) as { cells: { processor: string; thin: unknown }[] };
    expect(report.cells.find((c) => c.processor === 'thin')?.thin).toEqual([
      { date: '2022-04-17', rows: 1, expected: 2 },
      { date: '2022-04-19', rows: 1, expected: 2 },
      { date: '2022-04-20', rows: 1, expected: 2 },
    ]);
  });

  const checks = (min: number, max: number, sql = 'SELECT COUNT(*) FROM nba_precompute.zones') =>
    `checks:
  - { id: zone_rows, title: Zone rows, sql: "${sql}", min: ${min}, max: ${max} }
`;

  it('exits 0 only when every cell is complete and every check passes', async () => {
    const result = await run(['status', '--plan', setUp(games, checks(4, 4)), '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { complete: boolean; checks: unknown[] };
    expect(report.complete).toBe(true);
    expect(report.checks).toEqual([
      { id: 'zone_rows', title: 'Zone rows', state: 'pass', value: 4, min: 4, max: 4 },
    ]);
  });

  it('exits 1 when a check is out of range, even with every cell complete', async () => {
    const result = await run(['status', '--plan', setUp(games, checks(100, 200))]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('✗ fail  zone_rows: 4 in 100..200 · Zone rows');
    expect(result.stdout).toContain('1/1 cells complete, 0/1 checks pass');
  });

  it('exits 2 when a check query fails, with its error', async () => {
    const broken = checks(0, 1, 'SELECT COUNT(season_type) FROM nba_precompute.zones');
    const result = await run(['status', '--plan', setUp(games, broken), '--json']);
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout) as { checks: { state: string; error?: string }[] };
    expect(report.checks[0]).toMatchObject({ state: 'error' });
    expect(report.checks[0]?.error).toMatch(/no such column: season_type/);
  });

  it('exits 2 naming the line for a broken plan', async () => {
    const file = setUp(games);
    writeFileSync(file, 'version: 1\nwindows: nope\n');
    const result = await run(['status', '--plan', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}:2:10: windows:`);
  });
});
