import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendRunRecord, readHistory } from '../../src/runner/session/history.js';
import type { RunRecord } from '../../src/state/run-history.js';
import { runsSummary } from '../../src/state/run-history.js';
import { tempDir } from '../orchestration/orchestration-plan.js';
import { cli, unattendedPlan, w1Games } from './unattended-plan.js';

const record = (n: number, over: Partial<RunRecord> = {}): RunRecord => ({
  v: 1,
  task: 'alpha@w1',
  processor: 'alpha',
  window: 'w1',
  attempt: n,
  kind: 'window',
  argv: [['node', 'x.mjs']],
  startedAt: 1_000 * n,
  endedAt: 1_000 * n + 16_000,
  exitCode: 0,
  status: 'succeeded',
  succeeded: 4,
  failed: 0,
  skipped: 0,
  failedDates: [],
  ...over,
});

describe('run history file', () => {
  it('appends whole lines, reads them back, and skips a torn last line', () => {
    const dir = tempDir('history');
    appendRunRecord(dir, record(1));
    appendRunRecord(dir, record(2, { status: 'failed', exitCode: 1 }));
    const file = path.join(dir, 'history.jsonl');
    writeFileSync(file, readFileSync(file, 'utf8') + '{"v":1,"task":"al');
    const read = readHistory(dir);
    expect(read.records.map((r) => [r.attempt, r.status])).toEqual([
      [1, 'succeeded'],
      [2, 'failed'],
    ]);
    expect(read.unreadable).toBe(1);
  });

  it('rotates at its size limit and says so when the oldest file is dropped', () => {
    const dir = tempDir('history-rotate');
    const limits = { maxBytes: 300, keep: 2 };
    const messages: (string | undefined)[] = [];
    for (let n = 1; n <= 12; n++) messages.push(appendRunRecord(dir, record(n), limits));
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['history.1.jsonl', 'history.2.jsonl', 'history.jsonl']);
    for (const file of files)
      expect(readFileSync(path.join(dir, file)).length).toBeLessThan(300 + 400);
    expect(messages.filter(Boolean).length).toBeGreaterThan(0);
    expect(messages.find(Boolean)).toMatch(/dropped the oldest file history\.2\.jsonl/);
    // The newest records are always readable after rotation.
    expect(readHistory(dir).records.at(-1)?.attempt).toBe(12);
  });

  it('summarises the last runs newest first', () => {
    const at = (h: number, m: number) => new Date(2026, 0, 3, h, m).getTime();
    const runs = [
      record(1, { status: 'failed', exitCode: 1, startedAt: at(11, 19), endedAt: at(11, 20) }),
      record(2, {
        status: 'with-failures',
        failed: 2,
        startedAt: at(11, 39),
        endedAt: at(11, 40),
      }),
      record(3, { startedAt: at(12, 1) - 16_000, endedAt: at(12, 1) }),
    ];
    expect(runsSummary(runs)).toBe(
      'runs (3): ✓ 12:01 16 s · ⚠ 11:40 2 dates failed · ✗ 11:20 exit 1',
    );
  });
});

describe('run history of real runs', () => {
  it('records a whole-window run with failed dates, then a dates run of the gaps, and status --json shows each cell its last run after a restart', async () => {
    const setup = unattendedPlan({
      // The secret value rides in argv (as a file name): the history must not keep it.
      alpha: ['--fail', '2022-04-17,2022-04-19', '--record', 'hunter2'],
      alphaExtra: {
        env: { DEMO_TOKEN: 'hunter2' },
        fillGaps: { by: 'dates', append: ['--dates', '{dates}'] },
      },
      settings: { coverage: { liveSeconds: 0 } },
    });
    const first = await cli(['run', '--plan', setup.file, '--only', 'alpha']);
    expect(first.stdout).toContain('with-failures');
    const gaps = await cli(['run', '--plan', setup.file, '--only', 'alpha', '--fill-gaps']);
    expect(gaps.stdout).toContain('2 missing dates as a list');

    const records = readHistory(setup.stateDir).records;
    expect(records.map((r) => [r.task, r.attempt, r.kind, r.status])).toEqual([
      ['alpha@w1', 1, 'window', 'with-failures'],
      // the gap run still gets --fail for both dates: it fails them again
      ['alpha@w1', 2, 'dates', 'with-failures'],
    ]);
    const [window, dates] = records;
    expect(window?.failedDates).toEqual(['2022-04-17', '2022-04-19']);
    expect([window?.succeeded, window?.failed]).toEqual([3, 2]);
    expect(window?.argv[0]).toContain('--start-date');
    expect(dates?.argv[0]?.join(' ')).toContain('--dates 2022-04-17,2022-04-19');
    expect(window?.exitCode).toBe(0);
    expect(JSON.stringify(records)).not.toContain('hunter2');
    expect(window?.argv[0]).toContain('***');
    expect(window!.endedAt).toBeGreaterThanOrEqual(window!.startedAt);

    const status = await cli(['status', '--plan', setup.file, '--json']);
    const report = JSON.parse(status.stdout) as {
      cells: { processor: string; lastRun: RunRecord | null }[];
      eta: { kind: string; processors?: string[]; text: string };
    };
    // alpha's pace is known from its history; beta never ran and the plan gives no estimate.
    expect(report.eta).toMatchObject({ kind: 'no-rate', processors: ['beta'] });
    const alpha = report.cells.find((c) => c.processor === 'alpha');
    expect(alpha?.lastRun?.attempt).toBe(2);
    expect(alpha?.lastRun?.kind).toBe('dates');
    expect(report.cells.find((c) => c.processor === 'beta')?.lastRun).toBeNull();
    expect(w1Games).toHaveLength(4);
  }, 60_000);
});
