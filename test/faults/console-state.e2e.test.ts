/**
 * The built console (tmux) against a broken state folder: a journal it cannot write, a journal
 * that is garbage, a journal entry it cannot draw. Build first: `npm run build`.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTmux } from '../support/tmux.js';
import { waitFor } from '../support/wait-for.js';
import {
  consoleBin,
  exitStatusOf,
  groupMembers,
  sharedFixture,
  writeConsolePlan,
  cleanUpAfterEach,
} from './support.js';

const { terms, groups, cleanups } = cleanUpAfterEach();

const open = (file: string) => {
  const term = startTmux(['node', consoleBin, '--plan', file]);
  terms.push(term);
  return term;
};

const twoTickers = () =>
  writeConsolePlan([
    { id: 'first', command: ['node', sharedFixture('slow-printer.mjs')] },
    { id: 'second', command: ['node', sharedFixture('slow-printer.mjs')] },
  ]);

describe('a state folder the console cannot write', () => {
  it('shows an error notice about the journal while the running task keeps running and logging', async () => {
    const { file, stateDir } = twoTickers();
    const journal = path.join(stateDir, 'journal.json');
    const term = open(file);
    await term.waitForScreen((s) => /first\s+w1\s+pending/.test(s), 'the task table');
    term.keys('Enter');
    const running = await term.waitForScreen(
      (s) => /pid \d+/.test(s) && s.includes('tick 2'),
      'the first task running',
    );
    const pid = Number(/pid (\d+)/.exec(running)?.[1]);
    groups.push(pid);
    await waitFor('the journal written', () => existsSync(journal));

    if (process.getuid?.() === 0) {
      // chmod does not stop root: a directory in the journal's place makes the rename fail.
      rmSync(journal);
      mkdirSync(journal);
      writeFileSync(path.join(journal, 'in-the-way'), '');
    } else {
      chmodSync(stateDir, 0o500);
      cleanups.push(() => chmodSync(stateDir, 0o700));
    }
    // Starting the second task is a change the journal must record.
    term.keys('j', 'Enter');
    const failed = await term.waitForScreen(
      (s) => s.includes('cannot write the state journal'),
      'the journal error notice',
    );
    expect(failed).toMatch(/second\s+w1\s+running/);
    expect(failed).toMatch(/first\s+w1\s+running/);
    const firstLog = readdirSync(path.join(stateDir, 'logs/first@w1'))
      .filter((name) => name.endsWith('.log'))
      .map((name) => path.join(stateDir, 'logs/first@w1', name))[0]!;
    const size = statSync(firstLog).size;
    await waitFor('the first task logging on', () => statSync(firstLog).size > size + 20);
    expect(groupMembers(pid).length).toBeGreaterThan(0);

    term.keys('q');
    await term.waitForScreen((s) => s.includes('2 tasks are running'), 'the quit question');
    term.keys('s');
    expect(await exitStatusOf(term)).toBe(0);
    expect(groupMembers(pid)).toEqual([]);
  });
});

describe('a corrupt state journal', () => {
  it('starts clean, keeps the corrupt file and names it in a notice', async () => {
    const { file, stateDir } = twoTickers();
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    const garbage = '{"version":1,"tasks":{"first@w1":{"status":"runn';
    writeFileSync(path.join(stateDir, 'journal.json'), garbage);
    const term = open(file);
    const screen = await term.waitForScreen(
      (s) => /first\s+w1\s+pending/.test(s) && /second\s+w1\s+pending/.test(s),
      'a clean task table',
    );
    const kept = readdirSync(stateDir).filter((name) => /^journal\.corrupt-\d+\.json$/.test(name));
    expect(kept).toHaveLength(1);
    expect(readFileSync(path.join(stateDir, kept[0]!), 'utf8')).toBe(garbage);
    expect(existsSync(path.join(stateDir, 'journal.json'))).toBe(false);
    expect(screen).toContain('starting clean: unreadable journal kept as');
    // What the operator needs from that notice: where the old journal went.
    expect(screen.replace(/\s+/g, ' ')).toContain(kept[0]);
  });
});

describe('a journal entry the console cannot draw', () => {
  it('does not end the console silently: it starts and shows the table', async () => {
    const { file, stateDir } = twoTickers();
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    // Valid JSON, version 1; one finished task whose progress is null.
    writeFileSync(
      path.join(stateDir, 'journal.json'),
      JSON.stringify({
        version: 1,
        writtenAt: Date.now(),
        tasks: {
          'first@w1': {
            status: 'succeeded',
            attempt: 1,
            exitCode: 0,
            startedAt: 1,
            endedAt: 2,
            progress: null,
          },
        },
      }),
    );
    const term = open(file);
    await waitFor(
      'the table or the end of the program',
      () => /second\s+w1\s+pending/.test(term.screen()) || term.exitStatus() !== undefined,
      15_000,
    );
    const ended = term.exitStatus() !== undefined;
    const status = ended ? await exitStatusOf(term) : undefined;
    expect(
      { ended, status, stderr: term.stderr().replace('\u001b[?25h', '') },
      term.screen(),
    ).toEqual({ ended: false, status: undefined, stderr: '' });
    expect(term.screen()).toMatch(/first\s+w1/);
  });
});
