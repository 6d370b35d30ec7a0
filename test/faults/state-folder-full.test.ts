/**
 * The state folder on a full disk (a real tmpfs): the journal keeps its last good version, the
 * run history never takes half a line, the store marks the folder for the header while the
 * condition lasts, and all of it recovers by itself once space is freed.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Journal } from '../../src/runner/session/journal.js';
import { readJournal, writeJournal } from '../../src/runner/session/journal.js';
import { keepJournal } from '../../src/runner/session/journal-keeper.js';
import { appendRunRecord, historyName } from '../../src/runner/session/history.js';
import type { RunRecord } from '../../src/state/run-history.js';
import { createAppStore } from '../../src/state/store.js';
import { stateFolderMark } from '../../src/state/state-folder-slice.js';
import { testPlan } from '../support/plans.js';
import { waitFor } from '../support/wait-for.js';
import type { SmallDisk } from '../support/small-disk.js';
import { mountSmallDisk } from '../support/small-disk.js';

const mounted = mountSmallDisk(512);
const refused = 'refused' in mounted ? mounted.refused : undefined;
if (refused) console.log(`state-folder-full: skipped, ${refused}`);
const disk = mounted as SmallDisk;
let stateDir = '';
let round = 0;

afterAll(() => {
  if (!refused) disk.unmount();
});
beforeEach(() => {
  if (refused) return;
  disk.free();
  stateDir = path.join(disk.dir, `state-${++round}`, '.backfill');
  mkdirSync(stateDir, { recursive: true });
});

/** A journal of `tasks` entries, about 180 bytes each. */
const journalOf = (tasks: number, attempt = 1): Journal => ({
  version: 1,
  writtenAt: Date.now(),
  tasks: Object.fromEntries(
    Array.from({ length: tasks }, (_, i) => [
      `processor-${i}@window`,
      {
        status: 'succeeded',
        attempt,
        progress: { succeeded: 3, failed: 0, skipped: 0, failedDates: [] },
        logFile: `${stateDir}/logs/processor-${i}@window/20260126-101112-345.log`,
      },
    ]),
  ),
});

const leftovers = () => readdirSync(stateDir).filter((name) => name.endsWith('.tmp'));

describe.skipIf(refused !== undefined)('the state folder on a full disk', () => {
  it('a failed journal write keeps the last good journal and removes its temporary file', () => {
    writeJournal(stateDir, journalOf(3));
    const good = readFileSync(path.join(stateDir, 'journal.json'), 'utf8');
    disk.fill();
    expect(() => writeJournal(stateDir, journalOf(3, 2))).toThrow(/ENOSPC/);
    expect(readFileSync(path.join(stateDir, 'journal.json'), 'utf8')).toBe(good);
    expect(leftovers()).toEqual([]);
    disk.free();
    writeJournal(stateDir, journalOf(3, 2));
    const read = readJournal(stateDir);
    expect(read.kind === 'ok' && read.journal.tasks['processor-0@window']?.attempt).toBe(2);
  });

  it('a journal larger than the space left is never renamed over the good one half-written', () => {
    writeJournal(stateDir, journalOf(2));
    const good = readFileSync(path.join(stateDir, 'journal.json'), 'utf8');
    // Room for part of it: the kernel takes what fits and the next write fails.
    disk.fill(16 * 1024);
    const big = journalOf(1000, 2);
    expect(JSON.stringify(big).length).toBeGreaterThan(disk.freeBytes() * 2);
    expect(() => writeJournal(stateDir, big)).toThrow(/ENOSPC/);
    expect(readFileSync(path.join(stateDir, 'journal.json'), 'utf8')).toBe(good);
    expect(leftovers()).toEqual([]);
  });

  it('a run record that does not fit leaves the history as it was: no half line', () => {
    const record = (n: number, pad = 0): RunRecord =>
      ({ taskId: `alpha@w${n}`, pad: 'x'.repeat(pad) }) as unknown as RunRecord;
    appendRunRecord(stateDir, record(1));
    const file = path.join(stateDir, historyName);
    const before = readFileSync(file, 'utf8');
    disk.fill(8 * 1024);
    expect(() => appendRunRecord(stateDir, record(2, 64 * 1024))).toThrow(/ENOSPC/);
    expect(readFileSync(file, 'utf8')).toBe(before);
    disk.free();
    appendRunRecord(stateDir, record(3));
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { taskId: string }).taskId)).toEqual([
      'alpha@w1',
      'alpha@w3',
    ]);
  });

  it('the keeper marks the folder "disk full" while writes fail and clears it by itself once space is freed', async () => {
    const plan = { ...testPlan(path.dirname(stateDir)), stateDir };
    const store = createAppStore(plan);
    const stop = keepJournal(stateDir, store, { retryMs: 50 });
    try {
      store.getState().taskStarting('alpha@w1', 'log-1');
      stop.flush();
      expect(existsSync(path.join(stateDir, 'journal.json'))).toBe(true);
      const good = readFileSync(path.join(stateDir, 'journal.json'), 'utf8');
      disk.fill();
      store.getState().taskStarting('alpha@w2', 'log-2');
      stop.flush();
      const trouble = store.getState().stateFolderTrouble;
      expect(trouble?.diskFull).toBe(true);
      expect(stateFolderMark(trouble)).toBe('disk full: .backfill');
      expect(store.getState().notice?.text).toMatch(
        /^disk full: cannot write the state journal in .*\.backfill; free space there/,
      );
      expect(readFileSync(path.join(stateDir, 'journal.json'), 'utf8')).toBe(good);
      expect(leftovers()).toEqual([]);
      // Still full after several retries: the mark stays, no temporary piles up.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(store.getState().stateFolderTrouble).toBeDefined();
      expect(leftovers()).toEqual([]);
      // Freed: no task changes, yet the next retry writes the journal and clears the mark.
      disk.free();
      await waitFor('the mark to clear', () =>
        store.getState().stateFolderTrouble ? undefined : true,
      );
      const read = readJournal(stateDir);
      expect(read.kind === 'ok' && Object.keys(read.journal.tasks).sort()).toEqual([
        'alpha@w1',
        'alpha@w2',
      ]);
      expect(store.getState().notice?.text).toMatch(/journal written/);
    } finally {
      stop();
    }
  });

  it("another writer's failure (the run history) starts the retries that clear the mark", async () => {
    const plan = { ...testPlan(path.dirname(stateDir)), stateDir };
    const store = createAppStore(plan);
    const stop = keepJournal(stateDir, store, { retryMs: 50 });
    try {
      store.getState().stateWriteFailed({ folder: stateDir, diskFull: true, problem: 'full' });
      await waitFor('the mark to clear', () =>
        store.getState().stateFolderTrouble ? undefined : true,
      );
    } finally {
      stop();
    }
  });
});
