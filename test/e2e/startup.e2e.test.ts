import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startTmux } from '../support/tmux.js';
import { waitFor } from '../support/wait-for.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const recorder = path.join(root, 'test/e2e/fixtures/record-packages.mjs');

/** A plan with one processor; `warehouse` and `coverage` lines when given. */
const writePlan = (extra = '', coverage = '') => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'startup-'));
  const file = path.join(dir, 'backfill.yaml');
  writeFileSync(
    file,
    `version: 1
name: startup plan
${extra}
windows:
  - { id: w1, start: 2024-01-01, end: 2024-01-02 }
phases:
  - { id: "1" }
processors:
  - id: alpha
    phase: "1"
    command: [node, -e, ""]
${coverage}
`,
  );
  return { dir, file };
};

/** Runs the built binary and returns the npm packages it loaded. */
const packagesLoadedBy = (args: string[]) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'startup-record-'));
  const record = path.join(dir, 'packages.txt');
  const result = spawnSync(
    process.execPath,
    ['--import', recorder, path.join(root, 'bin/backfill-console.js'), ...args],
    { encoding: 'utf8', env: { ...process.env, RECORD_PACKAGES: record }, timeout: 30_000 },
  );
  const loaded = existsSync(record) ? readFileSync(record, 'utf8').split('\n') : [];
  return { status: result.status, stdout: result.stdout, loaded: new Set(loaded.filter(Boolean)) };
};

const ui = ['ink', 'react', 'react-reconciler', 'yoga-layout'];
let term: ReturnType<typeof startTmux> | undefined;
afterEach(() => term?.kill());
const bigQuery = ['@google-cloud/bigquery', 'google-auth-library'];

describe('what each command loads', () => {
  it('--help loads no package at all', () => {
    const { status, stdout, loaded } = packagesLoadedBy(['--help']);
    expect(status).toBe(0);
    expect(stdout).toContain('Usage');
    expect([...loaded]).toEqual([]);
  });

  it('--help from the fast path of the bin prints what the CLI itself prints', () => {
    // `--help` alone is printed by the CommonJS bin from dist/usage.txt; with a second flag
    // the CLI parses the arguments and prints cli-args.ts's usage.
    const bin = path.join(root, 'bin/backfill-console.js');
    const run = (args: string[]) =>
      spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
    const full = run(['--help', '--help']);
    expect(full.status).toBe(0);
    expect(full.stdout).toContain('Usage');
    for (const args of [['--help'], ['-h']]) {
      const fast = run(args);
      expect(fast.status, args[0]).toBe(0);
      expect(fast.stdout, args[0]).toBe(full.stdout);
    }
  });

  it('validate, status and run load neither the UI nor the BigQuery client', () => {
    const { file } = writePlan();
    for (const args of [
      ['validate', '--plan', file],
      ['status', '--plan', file],
      ['run', '--dry-run', '--plan', file],
    ]) {
      const { status, loaded } = packagesLoadedBy(args);
      // status has no coverage to report for this plan and says so with 2: a finished run.
      expect(status, args.join(' ')).toBe(args[0] === 'status' ? 2 : 0);
      expect(loaded.has('zod'), args.join(' ')).toBe(true);
      for (const name of [...ui, ...bigQuery])
        expect(loaded.has(name), `${args[0]} ${name}`).toBe(false);
    }
  });

  it('loads the BigQuery client when the plan asks a BigQuery warehouse', () => {
    // Port 9 on the loopback: nothing listens, the query fails at once and status says so.
    const { file } = writePlan(
      'warehouse: { kind: bigquery, projectId: p, apiEndpoint: "http://127.0.0.1:9", anonymous: true }',
      '    coverage: { table: d.t, dateColumn: day }',
    );
    const { status, loaded } = packagesLoadedBy(['status', '--plan', file]);
    expect(status).toBe(2);
    expect(loaded.has('@google-cloud/bigquery')).toBe(true);
    for (const name of ui) expect(loaded.has(name)).toBe(false);
  });

  it('the console loads its code from one bundled file and no package', async () => {
    const { file } = writePlan();
    const record = path.join(
      mkdtempSync(path.join(os.tmpdir(), 'startup-record-')),
      'packages.txt',
    );
    const bin = path.join(root, 'bin/backfill-console.js');
    term = startTmux([
      `RECORD_PACKAGES=${record}`,
      'node',
      '--import',
      recorder,
      bin,
      '--plan',
      file,
    ]);
    await term.waitForScreen((s) => /alpha\s+w1/.test(s), 'the task table');
    term.keys('q');
    await waitFor('the console to exit', () => term!.exitStatus() !== undefined);
    expect(term.exitStatus()).toBe(0);
    // ink, react, zod and yaml are inside dist/console-command.js (scripts/bundle.mjs);
    // better-sqlite3 (native, outside the bundle) loads only in the warehouse's reader process.
    const loaded = existsSync(record) ? readFileSync(record, 'utf8').split('\n') : [];
    expect([...new Set(loaded.filter(Boolean))]).toEqual([]);
  });
});
