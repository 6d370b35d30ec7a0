import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startTmux } from '../support/tmux.js';
import { isAlive } from '../support/runner-harness.js';
import { waitFor } from '../support/wait-for.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const printer = path.join(root, 'test/e2e/fixtures/progress-printer.mjs');

const writePlan = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'e2e-'));
  const file = path.join(dir, 'backfill.yaml');
  writeFileSync(
    file,
    `version: 1
name: e2e plan
settings: { stopGraceSeconds: 2 }
windows:
  - { id: "2021-22", start: 2022-04-16, end: 2022-06-17 }
phases:
  - { id: "4", title: Phase 4 precompute }
processors:
  - id: slowpoke
    phase: "4"
    command: [node, ${JSON.stringify(printer)}, "400"]
  - id: sibling
    phase: "4"
    command: [node, ${JSON.stringify(printer)}, "400"]
`,
  );
  return { dir, file };
};

/** Processes whose command line mentions the fixture: anything the console left behind. */
const leftovers = (): string[] =>
  execFileSync('ps', ['-eo', 'pid,stat,args'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(printer) && !/\sZ/.test(line.slice(0, 14)));

let term: ReturnType<typeof startTmux> | undefined;
afterEach(() => term?.kill());

describe('the built console in a real terminal', () => {
  it('starts a task, shows its lines and progress, stops it, quits, and leaves no process', async () => {
    const { file } = writePlan();
    term = startTmux(['node', path.join(root, 'bin/backfill-console.js'), '--plan', file]);
    await term.waitForScreen(
      (s) => s.includes('Phase 4 precompute') && s.includes('slowpoke'),
      'the task table',
    );

    term.keys('Enter');
    const running = await term.waitForScreen(
      (s) => /Processing game date [3-9]\/400/.test(s) && /slowpoke .*running/.test(s),
      'log lines and progress',
    );
    expect(running).toMatch(/slowpoke\s+2021-22\s+running\s+[█░]+\s+\d+\/400/);
    expect(running).toContain('✓ Success:');
    const pid = Number(/pid (\d+)/.exec(running)?.[1]);
    expect(isAlive(pid)).toBe(true);

    term.keys('x');
    const stopped = await term.waitForScreen(
      (s) => /slowpoke .*killed TERM/.test(s),
      'the task stopped',
    );
    expect(stopped).toContain('stop requested: SIGTERM to process group');
    expect(isAlive(pid)).toBe(false);

    term.keys('q');
    await waitFor('the console to exit', () => term!.exitStatus() !== undefined);
    expect(term.exitStatus()).toBe(0);
    expect(leftovers()).toEqual([]);
  });

  it('asks before quitting with tasks running, then stops them all', async () => {
    const { file } = writePlan();
    term = startTmux(['node', path.join(root, 'bin/backfill-console.js'), '--plan', file]);
    await term.waitForScreen((s) => s.includes('slowpoke'), 'the task table');
    term.keys('Enter', 'j', 'j', 'Enter');
    await term.waitForScreen((s) => s.includes('▶ 2 running'), 'two running tasks');
    term.keys('q');
    await term.waitForScreen(
      (s) => s.includes('2 tasks are running. Stop them and quit? (y/n)'),
      'the quit question',
    );
    term.keys('y');
    await waitFor('the console to exit', () => term!.exitStatus() !== undefined, 15_000);
    expect(term.exitStatus()).toBe(0);
    expect(leftovers()).toEqual([]);
  });

  it('exits 2 naming file, line and field for a broken plan', () => {
    const { file } = writePlan();
    writeFileSync(
      file,
      'version: 1\nwindows: []\nphases: [{ id: "3" }]\nprocessors: [{ id: a, phase: "3", command: [x], colour: red }]\n',
    );
    let output = '';
    let status = 0;
    try {
      execFileSync('node', [path.join(root, 'bin/backfill-console.js'), '--plan', file], {
        encoding: 'utf8',
        stdio: 'pipe',
      });
    } catch (error) {
      const failure = error as { status: number; stderr: string };
      status = failure.status;
      output = failure.stderr;
    }
    expect(status).toBe(2);
    expect(output).toContain(`${file}:2:10: windows: declare at least one window`);
    expect(output).toContain(`${file}:4:49: processors[0].colour: unknown key "colour"`);
    expect(output).not.toMatch(/at .*\.js:\d+/);
  });
});

describe('a closed terminal', () => {
  it('stops the tasks and exits when the terminal hangs up', async () => {
    const { file } = writePlan();
    const local = startTmux(['node', path.join(root, 'bin/backfill-console.js'), '--plan', file]);
    await local.waitForScreen((s) => s.includes('slowpoke'), 'the task table');
    local.keys('Enter');
    const running = await local.waitForScreen((s) => /pid \d+/.test(s), 'a running task');
    const pid = Number(/pid (\d+)/.exec(running)?.[1]);
    const consolePid = local.panePid();
    local.kill();
    await waitFor('the task to stop', () => !isAlive(pid), 15_000);
    await waitFor('the console to exit', () => !isAlive(consolePid), 15_000);
    expect(leftovers()).toEqual([]);
  });
});
