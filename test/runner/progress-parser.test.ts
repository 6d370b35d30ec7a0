import { describe, expect, it } from 'vitest';
import {
  compileProgressPatterns,
  defaultProgressPatterns,
} from '../../src/plan/progress-patterns.js';
import {
  createProgressParser,
  emptyProgress,
  maxFailedDates,
} from '../../src/runner/logs/progress-parser.js';
import type { Progress } from '../../src/runner/logs/progress-parser.js';

/** The three prefixes Python logging puts on the real scripts' lines, and none. */
const prefixes = {
  basicConfig: (msg: string, level = 'INFO') => `${level}:__main__:${msg}`,
  asctime: (msg: string, level = 'INFO') => `2026-02-10 10:11:12,345 - ${level} - ${msg}`,
  asctimeName: (msg: string, level = 'INFO') =>
    `2026-02-10 10:11:12,345 - data_processors.precompute.x - ${level} - ${msg}`,
  none: (msg: string) => msg,
} as const;

const run = (lines: string[], overrides?: Parameters<typeof createProgressParser>[0]): Progress => {
  const parser = createProgressParser(overrides);
  for (const line of lines) parser.feed(line);
  return parser.snapshot();
};

describe('progress patterns', () => {
  it('compiles every default with the u flag and lets an override replace one', () => {
    const compiled = compileProgressPatterns({ skip: '^SKIP (?<date>\\d{4}-\\d{2}-\\d{2})' });
    expect(compiled.dateStart.flags).toContain('u');
    expect(compiled.skip.source).toBe('^SKIP (?<date>\\d{4}-\\d{2}-\\d{2})');
    expect(compiled.success.source).toBe(new RegExp(defaultProgressPatterns.success, 'u').source);
    expect(compiled.leadChars.skip).toBeUndefined();
    expect(compiled.leadChars.success).toBeDefined();
  });
});

describe('per-date start lines', () => {
  it.each([
    ['Processing day 3/63: 2022-04-18', 3, 63, '2022-04-18'],
    ['Processing date 9/63: 2022-04-24', 9, 63, '2022-04-24'],
    ['Processing game date 12/45: 2022-04-27', 12, 45, '2022-04-27'],
    ['Grading date 5/120: 2024-10-26', 5, 120, '2024-10-26'],
  ])('reads index, total and date from "%s" under every prefix', (msg, index, total, date) => {
    for (const prefix of Object.values(prefixes)) {
      expect(run([prefix(msg)])).toMatchObject({ index, total, currentDate: date });
    }
  });

  it('ignores look-alikes that are not per-date start lines', () => {
    const p = run([
      'INFO:__main__:Processing 45 days (of 63 total)',
      'INFO:__main__:Processing 3 specific dates',
    ]);
    expect(p).toBe(emptyProgress);
  });
});

describe('per-date results', () => {
  const start = prefixes.asctime('Processing day 1/5: 2022-04-18');

  it.each([
    '  ✓ Success: 481 records',
    '  ✓ Success: 30 teams processed',
    '  ✓ Success: 212 players',
    '✅ 2022-04-18: Processed 212 players (0 failed)',
    '  ✓ 2022-04-18: 481 records',
    '2022-04-18: success - 30 graded, MAE=4.1, bias=0.2',
  ])('counts "%s" as one success for the current date', (msg) => {
    for (const prefix of Object.values(prefixes)) {
      expect(run([start, prefix(msg)])).toMatchObject({ succeeded: 1, failed: 0, skipped: 0 });
    }
  });

  it.each([
    ['  ✗ Failed: 2022-04-19', '2022-04-19'],
    ['  ✗ Failed: Unknown', '2022-04-18'],
    ['  ✗ Exception: 400 Bad Request: table not found', '2022-04-18'],
    ['  ✗ 2022-04-19: Processing failed', '2022-04-19'],
    ['⚠️  2022-04-19: Processing failed - timeout', '2022-04-19'],
    ['❌ 2022-04-19: Exception - quota exceeded', '2022-04-19'],
    ['Unexpected exception processing 2022-04-19: boom', '2022-04-19'],
    ['Exception processing 2022-04-19: boom', '2022-04-19'],
  ])('counts "%s" as a failure of %s', (msg, date) => {
    for (const prefix of Object.values(prefixes)) {
      expect(run([start, prefix(msg, 'ERROR')])).toMatchObject({ failed: 1, failedDates: [date] });
    }
  });

  it('counts "⏭ Skipped" as a skip', () => {
    const p = run([start, prefixes.basicConfig('  ⏭ Skipped: bootstrap period')]);
    expect(p).toMatchObject({ skipped: 1, succeeded: 0, failed: 0 });
  });

  it('does not count dry runs, warnings or the parallel block\'s "Success:" line as results', () => {
    const p = run([
      start,
      '  ✓ Dry run: deps OK',
      '  ⚠ 3 players not found in registry',
      '  Success: 40 (90.0%)',
      '✅ Pre-flight check passed',
    ]);
    expect(p).toMatchObject({ succeeded: 0, failed: 0, skipped: 0 });
  });

  it('does not count the pre-flight failure as a failed date', () => {
    const p = run([
      prefixes.asctime('❌ PRE-FLIGHT CHECK FAILED: Phase 3 data is incomplete!', 'ERROR'),
    ]);
    expect(p.failed).toBe(0);
    expect(p.failedDates).toEqual([]);
  });

  it('counts a failure once when "✗ Failed" and "✗ Exception" both name the same date', () => {
    const p = run([
      'INFO:__main__:Processing day 2/63: 2022-04-19',
      'ERROR:__main__:Exception during processing: boom',
      'Traceback (most recent call last):',
      '  File "/app/x.py", line 12, in run',
      'ERROR:__main__:  ✗ Failed: 2022-04-19',
      'ERROR:__main__:  ✗ Exception: boom',
    ]);
    expect(p.failed).toBe(1);
    expect(p.failedDates).toEqual(['2022-04-19']);
  });

  it('keeps a failure when a later line about the same date reports success', () => {
    const p = run([start, '  ✗ Failed: 2022-04-18', '  ✓ 2022-04-18: 481 records']);
    expect(p).toMatchObject({ failed: 1, succeeded: 0, failedDates: ['2022-04-18'] });
  });

  it(`caps failedDates at ${maxFailedDates} distinct dates`, () => {
    const lines: string[] = [];
    const day = new Date('2020-01-01T00:00:00Z');
    for (let i = 0; i < maxFailedDates + 20; i++) {
      lines.push(
        `  ✗ ${day.toISOString().slice(0, 10)}: boom`,
        `  ✗ ${day.toISOString().slice(0, 10)}: again`,
      );
      day.setUTCDate(day.getUTCDate() + 1);
    }
    const p = run(lines);
    expect(p.failedDates).toHaveLength(maxFailedDates);
    expect(p.failed).toBe(maxFailedDates + 20);
  });
});

describe('periodic lines', () => {
  it.each([
    ['Progress: 10/63 days (90.0% success), 4810 total records (avg 481/day)', 10, 63],
    ['Progress: 20/45 game dates', 20, 45],
    ['PROGRESS: 50/851 days (5.9%)', 50, 851],
  ])('reads index and total from "%s"', (msg, index, total) => {
    expect(run([prefixes.asctimeName(msg)])).toMatchObject({ index, total });
  });

  it('reads the reported ETA', () => {
    expect(run([prefixes.asctime('  ETA: 3.2 hours remaining')]).reportedEta).toBe(
      '3.2 hours remaining',
    );
  });

  it('does not read the parallel block\'s "Failed: N" as a summary', () => {
    const p = run(['PROGRESS: 50/851 days (5.9%)', '  Success: 47 (94.0%)', '  Failed: 3']);
    expect(p.summary).toBeUndefined();
  });
});

describe('summary block', () => {
  const sequentialRun = [
    'INFO:__main__:Checkpoint: /tmp/backfill_checkpoints/pcf_2022-04-16_2022-04-20.json',
    'INFO:__main__:Processing day 1/5: 2022-04-16',
    'INFO:__main__:  ⏭ Skipped: bootstrap period',
    'INFO:__main__:Processing day 2/5: 2022-04-17',
    'INFO:__main__:  ✓ Success: 212 players',
    'INFO:__main__:Processing day 3/5: 2022-04-18',
    'ERROR:__main__:Exception: 403 quota exceeded',
    'ERROR:__main__:  ✗ Failed: 403 quota exceeded',
    'INFO:__main__:Processing day 4/5: 2022-04-19',
    'INFO:__main__:  ✓ Success: 198 players',
    'INFO:__main__:Processing day 5/5: 2022-04-20',
    'ERROR:__main__:  ✗ Failed: 2022-04-20',
    'INFO:__main__:' + '='.repeat(80),
    'INFO:__main__:PHASE 4 BACKFILL SUMMARY - PlayerCompositeFactorsProcessor:',
    'INFO:__main__:  Successful: 2, Skipped: 1, Failed: 2',
    'INFO:__main__:  Total players: 410',
    'INFO:__main__:  Failed dates: [datetime.date(2022, 4, 18), datetime.date(2022, 4, 20)]',
    'INFO:__main__:' + '='.repeat(80),
  ];

  it('an exit-0 run with failures reports failed > 0 and the failed dates', () => {
    const p = run(sequentialRun);
    expect(p).toMatchObject({
      currentDate: '2022-04-20',
      index: 5,
      total: 5,
      succeeded: 2,
      skipped: 1,
      failed: 2,
      failedDates: ['2022-04-18', '2022-04-20'],
      summary: { successful: 2, skipped: 1, failed: 2 },
    });
  });

  it("lets a resumed run's larger summary win over the running tallies", () => {
    const p = run([
      '2026-02-10 10:11:12,345 - INFO - Processing game date 44/45: 2022-06-16',
      '2026-02-10 10:11:12,345 - INFO -   ✓ Success: 481 records',
      '2026-02-10 10:11:12,345 - INFO - Processing game date 45/45: 2022-06-17',
      '2026-02-10 10:11:12,345 - INFO -   ✓ Success: 470 records',
      '2026-02-10 10:11:12,345 - INFO - PHASE 4 BACKFILL SUMMARY - MLFeatureStoreProcessor:',
      '2026-02-10 10:11:12,345 - INFO -   Successful: 40, Skipped: 2, Failed: 3',
      '2026-02-10 10:11:12,345 - INFO -   Failed dates: 2022-05-01, 2022-05-02',
    ]);
    expect(p).toMatchObject({
      succeeded: 40,
      skipped: 2,
      failed: 3,
      failedDates: ['2022-05-01', '2022-05-02'],
      summary: { successful: 40, skipped: 2, failed: 3 },
    });
  });

  it('reads one-count-per-line summaries and a date list on the line after its heading', () => {
    const p = run([
      'INFO:__main__:Processing day 1/3: 2022-04-16',
      'INFO:__main__:  ✓ Success: 481 records from 8 games',
      '2026-02-10 10:11:12,345 - INFO - DAY-BY-DAY BACKFILL SUMMARY:',
      '2026-02-10 10:11:12,345 - INFO -   Successful days: 1',
      '2026-02-10 10:11:12,345 - INFO -   Failed days: 2',
      '2026-02-10 10:11:12,345 - INFO - ',
      '📊 Checkpoint Summary:',
      '2026-02-10 10:11:12,345 - INFO -    Total successful: 61',
      '2026-02-10 10:11:12,345 - INFO -    Total failed: 2',
      '2026-02-10 10:11:12,345 - INFO - ',
      '  Failed dates (2 total):',
      '2026-02-10 10:11:12,345 - INFO -     2022-04-17, 2022-04-18',
    ]);
    expect(p).toMatchObject({
      succeeded: 61,
      failed: 2,
      failedDates: ['2022-04-17', '2022-04-18'],
      summary: { successful: 61, skipped: 0, failed: 2 },
    });
  });

  it('reads a parallel run: dated results, PROGRESS and the COMPLETE block', () => {
    const p = run([
      'INFO:__main__:  ✓ 2022-04-18: 481 records',
      'ERROR:__main__:  ✗ 2022-04-19: Processing failed',
      'ERROR:__main__:Exception processing 2022-04-20: boom',
      'INFO:__main__:PROGRESS: 3/851 days (0.4%)',
      'INFO:__main__:  Failed: 2',
      'INFO:__main__:PARALLEL BACKFILL COMPLETE',
      'INFO:__main__:  Successful: 1',
      'INFO:__main__:  Failed: 4',
      '  Failed dates (4):',
      'INFO:__main__:    2022-04-19, 2022-04-20, 2022-04-21, 2022-04-22',
    ]);
    expect(p).toMatchObject({
      index: 3,
      total: 851,
      succeeded: 1,
      failed: 4,
      failedDates: ['2022-04-19', '2022-04-20', '2022-04-21', '2022-04-22'],
      summary: { successful: 1, skipped: 0, failed: 4 },
    });
  });
});

describe('plan overrides', () => {
  it('replace a default pattern and the default no longer matches', () => {
    const overrides = { success: '^OK (?<date>\\d{4}-\\d{2}-\\d{2})' };
    const p = run(
      ['INFO:__main__:OK 2022-04-18', 'INFO:__main__:  ✓ Success: 481 records'],
      overrides,
    );
    expect(p.succeeded).toBe(1);
    expect(run(['INFO:__main__:OK 2022-04-18']).succeeded).toBe(0);
  });

  it('see lines whatever their first character, unlike the defaults', () => {
    const p = run(['step failed for 2022-04-18'], {
      failure: 'failed for (?<date>\\d{4}-\\d{2}-\\d{2})',
    });
    expect(p.failedDates).toEqual(['2022-04-18']);
  });
});

describe('feed and snapshot', () => {
  it('report a change only when the progress changed, and reuse the snapshot otherwise', () => {
    const parser = createProgressParser();
    expect(parser.snapshot()).toBe(emptyProgress);
    expect(parser.feed('INFO:google.cloud:Query job started')).toBe(false);
    expect(parser.feed('INFO:__main__:Processing day 1/2: 2022-04-18')).toBe(true);
    const first = parser.snapshot();
    expect(parser.snapshot()).toBe(first);
    expect(parser.feed('INFO:__main__:  ✗ Failed: 2022-04-18')).toBe(true);
    expect(parser.feed('INFO:__main__:  ✗ Exception: again')).toBe(false);
    const second = parser.snapshot();
    expect(second).not.toBe(first);
    expect(first.failed).toBe(0);
    expect(Object.isFrozen(second)).toBe(true);
  });

  it('tolerates colour codes from bash wrappers', () => {
    expect(run(['\u001b[32m  ✓ Success: 481 records\u001b[0m']).succeeded).toBe(1);
  });
});
