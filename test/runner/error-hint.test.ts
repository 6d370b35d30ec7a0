import { describe, expect, it } from 'vitest';
import { lastErrorLine } from '../../src/runner/logs/error-hint.js';
import { createLogRing } from '../../src/state/log-ring.js';

const ringOf = (lines: string[]) => {
  const ring = createLogRing(100);
  ring.append(lines);
  return ring;
};

describe('lastErrorLine', () => {
  it('names the exception a traceback ends with', () => {
    const ring = ringOf([
      'INFO:__main__:Processing game date 3/44: 2023-04-17',
      'Traceback (most recent call last):',
      '  File "backfill.py", line 88, in run',
      '    raise BadRequest(msg)',
      'google.api_core.exceptions.BadRequest: 400 Unrecognized name: season_type',
      '',
      '[backfill-console] exit 1 after 0.2 s',
    ]);
    expect(lastErrorLine(ring)).toBe(
      'google.api_core.exceptions.BadRequest: 400 Unrecognized name: season_type',
    );
  });

  it('takes the last error-looking line without its logging prefix', () => {
    const ring = ringOf([
      '2026-02-10 10:11:12,345 - __main__ - ERROR - ❌ PRE-FLIGHT CHECK FAILED: Phase 3 data is incomplete!',
      '2026-02-10 10:11:12,346 - __main__ - INFO - bye',
    ]);
    expect(lastErrorLine(ring)).toBe('❌ PRE-FLIGHT CHECK FAILED: Phase 3 data is incomplete!');
  });

  it('says nothing when no line looks like an error', () => {
    expect(lastErrorLine(ringOf(['INFO:__main__:all good', 'done']))).toBeUndefined();
  });
});

describe('lastErrorLine after a BigQuery traceback', () => {
  it('names the exception, not the Location and Job ID lines that follow it', () => {
    const ring = createLogRing(100);
    ring.append([
      'Traceback (most recent call last):',
      '  File "x.py", line 3, in <module>',
      'google.api_core.exceptions.BadRequest: 400 Unrecognized name: season_type',
      '',
      'Location: US',
      'Job ID: 7c1e9a42',
    ]);
    expect(lastErrorLine(ring)).toBe(
      'google.api_core.exceptions.BadRequest: 400 Unrecognized name: season_type',
    );
  });
});
