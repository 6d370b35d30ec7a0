import { readdirSync, readFileSync, statSync, writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { nestedStatus, startCoordinatorLoopback } from '../support/coordinator-loopback.js';
import type { CoordinatorLoopback } from '../support/coordinator-loopback.js';
import { startTmux } from '../support/tmux.js';
import { isAlive } from '../support/runner-harness.js';
import { waitFor } from '../support/wait-for.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = path.join(root, 'bin/backfill-console.js');
const token = 'tok-e2e-secret-4242';
const D1 = '2022-04-16';
const D2 = '2022-04-17';

const writePlan = (url: string) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'e2e-http-'));
  const file = path.join(dir, 'backfill.yaml');
  writeFileSync(
    file,
    `version: 1
windows:
  - { id: w1, start: ${D1}, end: ${D2} }
phases:
  - { id: "5" }
processors:
  - id: predictions
    phase: "5"
    kind: http
    http:
      url: ${url}
      pollSeconds: 0.2
      auth: { env: COORDINATOR_TOKEN }
    env: { COORDINATOR_TOKEN: ${token} }
`,
  );
  return { dir, file };
};

/** Every file the console and the job wrote in the state folder, as text. */
const stateFiles = (dir: string): string[] => {
  const found: string[] = [];
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const full = path.join(at, name);
      if (statSync(full).isDirectory()) walk(full);
      else found.push(readFileSync(full, 'utf8'));
    }
  };
  walk(path.join(dir, '.backfill'));
  return found;
};

const startRequests = (server: CoordinatorLoopback) =>
  server.requests
    .filter((r) => r.path === '/start')
    .map((r) => (r.body as { game_date: string }).game_date);
const statusPolls = (server: CoordinatorLoopback, batchId: string) =>
  server.requests.filter((r) => r.path === '/status' && r.query.batch_id === batchId).length;

let server: CoordinatorLoopback | undefined;
let term: ReturnType<typeof startTmux> | undefined;
let jobGroup: number | undefined;
afterEach(async () => {
  term?.kill();
  if (jobGroup && isAlive(jobGroup)) process.kill(-jobGroup, 'SIGKILL');
  jobGroup = undefined;
  await server?.close();
  server = undefined;
});

describe('a coordinator job is a process of its own', () => {
  it('keeps polling after the console leaves it running; the next console re-attaches and records its real end', async () => {
    server = await startCoordinatorLoopback();
    let firstBatchDone = false;
    server.onStart((request) => {
      const date = (request.body as { game_date: string }).game_date;
      return { status: 202, json: { status: 'started', batch_id: `batch_${date}_1` } };
    });
    server.onStatus((request) => {
      const batchId = request.query.batch_id ?? '';
      const done = batchId !== `batch_${D1}_1` || firstBatchDone;
      return nestedStatus(batchId, done ? 10 : 3, 10);
    });
    const { dir, file } = writePlan(server.url);

    const first = startTmux(['node', bin, '--plan', file]);
    term = first;
    await first.waitForScreen((s) => s.includes('predictions'), 'the task table');
    first.keys('Enter');
    const running = await first.waitForScreen((s) => /pid \d+/.test(s), 'the job running');
    jobGroup = Number(/pid (\d+)/.exec(running)?.[1]);
    await waitFor('the first batch polled', () => statusPolls(server!, `batch_${D1}_1`) > 0);
    const consolePid = (
      JSON.parse(readFileSync(path.join(dir, '.backfill/console.lock'), 'utf8')) as { pid: number }
    ).pid;
    expect(jobGroup).not.toBe(consolePid);
    // The token reaches the job through its environment, never its command line.
    expect(readFileSync(`/proc/${jobGroup}/cmdline`, 'utf8')).not.toContain(token);

    first.keys('q');
    await first.waitForScreen(
      (s) => s.includes('l leave it running and quit'),
      'the quit question',
    );
    first.keys('l');
    await waitFor('the first console to exit', () => first.exitStatus() !== undefined);
    expect(first.exitStatus()).toBe(0);
    first.kill();

    const pollsWhenQuit = statusPolls(server, `batch_${D1}_1`);
    await waitFor(
      'the job to keep polling with no console',
      () => statusPolls(server!, `batch_${D1}_1`) > pollsWhenQuit + 2,
    );
    expect(isAlive(jobGroup)).toBe(true);

    term = startTmux(['node', bin, '--plan', file]);
    await term.waitForScreen(
      (s) =>
        s.includes('re-attached to 1 task') &&
        /predictions\s+w1\s+running/.test(s) &&
        s.includes(`pid ${jobGroup}`),
      'the job re-attached, running with its own pid',
    );
    firstBatchDone = true;
    const ended = await term.waitForScreen(
      (s) => /predictions\s+w1\s+succeeded/.test(s),
      'the job to end with its real status',
      30_000,
    );
    expect(ended).toContain('Successful: 2, Skipped: 0, Failed: 0');
    expect(startRequests(server)).toEqual([D1, D2]);
    // The journal is written at most every 200 ms and last on quit: read it once the console is gone.
    term.keys('q');
    await waitFor('the console to exit', () => term!.exitStatus() !== undefined);
    const journal = JSON.parse(readFileSync(path.join(dir, '.backfill/journal.json'), 'utf8')) as {
      tasks: Record<string, { status: string; exitCode?: number; pid?: number }>;
    };
    expect(journal.tasks['predictions@w1']).toMatchObject({
      status: 'succeeded',
      exitCode: 0,
      pid: jobGroup,
    });
    for (const text of stateFiles(dir)) expect(text).not.toContain(token);
  }, 90_000);
});
