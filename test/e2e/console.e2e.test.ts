import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
      (s) =>
        s.includes('2 tasks are running: s stop them and quit · l leave them running and quit'),
      'the quit question',
    );
    term.keys('s');
    await waitFor('the console to exit', () => term!.exitStatus() !== undefined, 15_000);
    expect(term.exitStatus()).toBe(0);
    expect(leftovers()).toEqual([]);
  });

  it('stops a run with more steps queued and launches none of them while quitting', async () => {
    const { file } = writePlan();
    // One task at a time: run all starts slowpoke and queues sibling behind it.
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        '{ stopGraceSeconds: 2 }',
        '{ stopGraceSeconds: 2, concurrency: 1 }',
      ),
    );
    term = startTmux(['node', path.join(root, 'bin/backfill-console.js'), '--plan', file]);
    await term.waitForScreen((s) => s.includes('slowpoke'), 'the task table');
    term.keys('a');
    await term.waitForScreen((s) => s.includes('y or ⏎ starts this run'), 'the dry run');
    term.keys('y');
    await term.waitForScreen(
      (s) => s.includes('▶ 1 running') && /1 queued/.test(s),
      'one running, one queued',
    );
    term.keys('q');
    await term.waitForScreen((s) => s.includes('s stop it and quit'), 'the quit question');
    term.keys('s');
    await waitFor('the console to exit', () => term!.exitStatus() !== undefined, 15_000);
    expect(term.exitStatus()).toBe(0);
    // The queued step must not have been launched when the running one stopped.
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

describe('tasks outlive the console', () => {
  it('keeps tasks running when the terminal closes, and a new console re-attaches to them', async () => {
    const { file } = writePlan();
    const first = startTmux(['node', path.join(root, 'bin/backfill-console.js'), '--plan', file]);
    await first.waitForScreen((s) => s.includes('slowpoke'), 'the task table');
    first.keys('Enter');
    const running = await first.waitForScreen(
      (s) => /pid \d+/.test(s) && /game date \d+\/400/.test(s),
      'a running task',
    );
    const pid = Number(/pid (\d+)/.exec(running)?.[1]);
    const consolePid = first.panePid();
    first.kill();
    await waitFor('the first console to exit', () => !isAlive(consolePid), 15_000);
    expect(isAlive(pid)).toBe(true);

    term = startTmux(['node', path.join(root, 'bin/backfill-console.js'), '--plan', file]);
    const again = await term.waitForScreen(
      (s) =>
        s.includes('re-attached to 1 task') && /slowpoke\s+2021-22\s+running.*\d+\/400/.test(s),
      'the task re-attached and running',
    );
    expect(again).toContain(`pid ${pid}`);
    // The i of i/N in the task's row: the progress parsed from the log as it grows.
    const progressOf = (screen: string) => Number(/slowpoke.*?(\d+)\/400/.exec(screen)?.[1]);
    const before = progressOf(again);
    await term.waitForScreen((s) => progressOf(s) > before + 2, 'its log continuing');
    term.keys('x');
    await term.waitForScreen(
      (s) => /slowpoke .*killed TERM/.test(s),
      'the task stopped by the new console',
    );
    expect(isAlive(pid)).toBe(false);
    term.keys('q');
    await waitFor('the console to exit', () => term!.exitStatus() !== undefined);
    expect(leftovers()).toEqual([]);
  }, 60_000);

  it('leaves tasks running on "l" at the quit question', async () => {
    const { file } = writePlan();
    // A shell keeps the pane open after the console exits, so its last words stay readable.
    term = startTmux([
      'sh',
      '-c',
      'node "$0" --plan "$1"; echo "console exit=$?"; sleep 30',
      path.join(root, 'bin/backfill-console.js'),
      file,
    ]);
    await term.waitForScreen((s) => s.includes('slowpoke'), 'the task table');
    term.keys('Enter');
    const running = await term.waitForScreen((s) => /pid \d+/.test(s), 'a running task');
    const pid = Number(/pid (\d+)/.exec(running)?.[1]);
    term.keys('q');
    await term.waitForScreen((s) => s.includes('l leave it running and quit'), 'the quit question');
    term.keys('l');
    const after = await term.waitForScreen(
      (s) => s.includes('console exit='),
      'the console to exit',
    );
    expect(after).toContain('console exit=0');
    expect(after).toContain('1 task left running');
    expect(isAlive(pid)).toBe(true);
    process.kill(-pid, 'SIGKILL');
  });
});

describe('a console killed with SIGKILL', () => {
  it('leaves its tasks running; the next console re-attaches and records their real exit code', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'e2e-kill-'));
    const file = path.join(dir, 'backfill.yaml');
    const script =
      "let i=0;const t=setInterval(()=>{console.log('tick '+(++i));if(i===40){clearInterval(t);process.exit(3)}},100)";
    writeFileSync(
      file,
      `version: 1\nwindows:\n  - { id: w1, start: 2022-04-16, end: 2022-04-20 }\nphases:\n  - { id: "3" }\nprocessors:\n  - id: ticker\n    phase: "3"\n    command: [node, -e, ${JSON.stringify(script)}]\n`,
    );
    const first = startTmux(['node', path.join(root, 'bin/backfill-console.js'), '--plan', file]);
    await first.waitForScreen((s) => s.includes('ticker'), 'the task table');
    first.keys('Enter');
    const running = await first.waitForScreen(
      (s) => /pid \d+/.test(s) && s.includes('tick 3'),
      'the task running',
    );
    const pid = Number(/pid (\d+)/.exec(running)?.[1]);
    const consolePid = (
      JSON.parse(readFileSync(path.join(dir, '.backfill/console.lock'), 'utf8')) as { pid: number }
    ).pid;
    process.kill(consolePid, 'SIGKILL');
    await waitFor('the console to die', () => !isAlive(consolePid));
    first.kill();
    expect(isAlive(pid)).toBe(true);

    term = startTmux(['node', path.join(root, 'bin/backfill-console.js'), '--plan', file]);
    await term.waitForScreen(
      (s) => s.includes('re-attached to 1 task') && /ticker\s+w1\s+running/.test(s),
      'the task re-attached',
    );
    const ended = await term.waitForScreen(
      (s) => /ticker\s+w1\s+failed \(3\)/.test(s),
      'the real exit code recorded',
      20_000,
    );
    expect(ended).toContain('tick 40');
    expect(ended).toContain('exit 3');
    term.keys('q');
    await waitFor('the console to exit', () => term!.exitStatus() !== undefined);
  }, 60_000);
});
