import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runValidate } from '../../src/headless/validate-command.js';
import { loadPlan } from '../../src/plan/index.js';
import { openSqliteDatasetForWrite } from '../../src/warehouse/sqlite-warehouse.js';
import { useBigQueryLoopback } from '../warehouse/bigquery-test-setup.js';

const bin = fileURLToPath(new URL('../../bin/backfill-console.js', import.meta.url));

const run = (args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile('node', [bin, ...args], { encoding: 'utf8' }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A plan file beside a SQLite folder holding a schedule and a `zones(analysis_date)` table. */
const writePlan = (body: string) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'validate-'));
  folders.push(dir);
  const raw = openSqliteDatasetForWrite(path.join(dir, 'warehouse'), 'nba_raw');
  raw.exec('CREATE TABLE nbac_schedule (game_date TEXT, game_status INTEGER)');
  raw.close();
  const out = openSqliteDatasetForWrite(path.join(dir, 'warehouse'), 'nba_precompute');
  out.exec('CREATE TABLE zones (analysis_date TEXT)');
  out.close();
  const file = path.join(dir, 'backfill.yaml');
  writeFileSync(file, body);
  return file;
};

const header = `version: 1
warehouse: { kind: sqlite, path: ./warehouse }
windows:
  - { id: "2021-22", start: 2022-04-16, end: 2022-06-17 }
phases:
  - { id: "4" }
`;

describe('validate --warehouse on SQLite', () => {
  it('names the file and line of SQL with an unknown column, and exits 2', async () => {
    const file = writePlan(`${header}expected:
  sql: SELECT DISTINCT game_date FROM nba_raw.nbac_schedule WHERE game_date BETWEEN @start AND @end
processors:
  - id: zones
    phase: "4"
    command: [node, -e, ""]
    coverage:
      sql: >-
        SELECT analysis_date FROM nba_precompute.zones
        WHERE season_type = 'Playoffs' AND analysis_date BETWEEN @start AND @end
`);
    const result = await run(['validate', '--plan', file, '--warehouse']);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/ok\s+expected \(plan\)\s+backfill\.yaml:8/);
    expect(result.stdout).toMatch(/error\s+coverage zones\s+backfill\.yaml:14/);
    expect(result.stdout).toContain(
      `${file}:14:12: processors[0].coverage.sql: coverage zones: no such column: season_type`,
    );
  });

  it('reports a missing table in the expected query and a syntax error; a missing output table is a note', async () => {
    const file = writePlan(`${header}expected:
  sql: SELECT DISTINCT game_date FROM nba_raw.no_schedule WHERE game_date BETWEEN @start AND @end
processors:
  - id: later
    phase: "4"
    command: [node, -e, ""]
    coverage: { table: nba_precompute.not_built_yet, dateColumn: game_date }
checks:
  - { id: typo, sql: "SELEC COUNT(*) FROM nba_precompute.zones", min: 1 }
`);
    const result = await run(['validate', '--plan', file, '--warehouse']);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain(
      `${file}:8:8: expected.sql: expected (plan): no such table: nba_raw.no_schedule`,
    );
    expect(result.stdout).toMatch(/checks\[0\]\.sql: check typo: near "SELEC": syntax error/);
    expect(result.stdout).toMatch(
      /note\s+coverage later\s+backfill\.yaml:13\s+note: table does not exist yet/,
    );
    expect(result.stdout).toContain('2 queries rejected:');
  });

  it('says which table names the plan uses, and exits 0 without --warehouse', async () => {
    const file = writePlan(`${header}processors:
  - id: zones
    phase: "4"
    command: [node, -e, ""]
    coverage: { table: nba_precompute.zones, dateColumn: analysis_date }
`);
    const result = await run(['validate', '--plan', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('a folder of <dataset>.sqlite files');
    expect(result.stdout).not.toContain('queries');
  });
});

const collect = () => {
  let text = '';
  const out = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      text += chunk.toString();
      done();
    },
  });
  return { out, text: () => text };
};

describe('validate --warehouse on BigQuery (loopback server)', () => {
  const bq = useBigQueryLoopback();

  const bigQueryPlan = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'validate-bq-'));
    folders.push(dir);
    const file = path.join(dir, 'backfill.yaml');
    writeFileSync(
      file,
      `version: 1
settings: { concurrency: 4, coverage: { liveSeconds: 10 } }
warehouse:
  kind: bigquery
  projectId: nba-props-platform
  location: us-west2
  dataset: nba_precompute
  apiEndpoint: ${bq.loopback.endpoint}
  anonymous: true
expected:
  sql: SELECT DISTINCT game_date FROM nba_raw.nbac_schedule WHERE game_date BETWEEN @start AND @end
windows:
  - { id: "2021-22", start: 2022-04-16, end: 2022-06-17 }
  - { id: "2022-23", start: 2023-04-15, end: 2023-06-13 }
phases:
  - { id: "4" }
processors:
  - id: zones
    phase: "4"
    command: [node, -e, ""]
    coverage: { table: team_defense_zone_analysis, dateColumn: analysis_date }
checks:
  - { id: graded, sql: "SELECT COUNT(*) FROM nba_predictions.prediction_accuracy", min: 100000, max: 110000 }
`,
    );
    return loadPlan(file);
  };

  it('lists every query with the bytes its dry run would scan, and the hourly cost of the live refresh', async () => {
    const mib = 1024 * 1024;
    bq.loopback.handle((query) => ({
      values: [],
      bytesProcessed: query.query.includes('nbac_schedule')
        ? 10 * mib
        : query.query.includes('zone')
          ? 20 * mib
          : 5 * mib,
    }));
    const { out, text } = collect();
    const code = await runValidate(bigQueryPlan(), { warehouse: true }, out);
    expect(code).toBe(0);
    expect(text()).toMatch(
      /ok\s+expected \(plan\)\s+backfill\.yaml:11\s+10\.0 MiB per window \(most\)/,
    );
    expect(text()).toMatch(
      /ok\s+coverage zones\s+backfill\.yaml:21\s+20\.0 MiB per window \(most\)/,
    );
    expect(text()).toMatch(/ok\s+check graded\s+backfill\.yaml:23\s+5\.0 MiB$/m);
    // One dry run per window for window queries, one for the check; nothing runs for real.
    expect(bq.loopback.requests.map((r) => r.path.split('/').at(-1))).toEqual(
      Array(5).fill('jobs'),
    );
    // 2 windows x (10 + 20) MiB + 5 MiB; live: 2 cells (the plan has 2 tasks) x 30 MiB x 360.
    expect(text()).toContain("a full refresh (start, c, a task's end) scans at most 65.0 MiB");
    expect(text()).toContain(
      'live refresh: up to 2 running cells every 10 s scan at most 21.1 GiB per hour',
    );
  });

  it("reports BigQuery's error for an unknown column at the SQL's line, and exits 2", async () => {
    bq.loopback.handle((query) =>
      query.query.includes('prediction_accuracy')
        ? {
            error: {
              httpStatus: 400,
              reason: 'invalidQuery',
              message: 'Unrecognized name: season_type at [1:8]',
            },
          }
        : { values: [], bytesProcessed: 1024 },
    );
    const plan = bigQueryPlan();
    const { out, text } = collect();
    expect(await runValidate(plan, { warehouse: true }, out)).toBe(2);
    expect(text()).toContain(
      `${plan.file}:23:24: checks[0].sql: check graded: Unrecognized name: season_type at [1:8]`,
    );
  });
});
