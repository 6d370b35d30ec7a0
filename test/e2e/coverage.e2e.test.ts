import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyDemo, repoRoot } from '../support/demo-copy.js';
import { startTmux } from '../support/tmux.js';
import { waitFor } from '../support/wait-for.js';

let term: ReturnType<typeof startTmux> | undefined;
afterEach(() => term?.kill());

const cellOf = (screen: string, processor: string) =>
  screen.split('\n').find((line) => line.includes(processor)) ?? '';

describe('the coverage tracker in a real terminal', () => {
  it('shows coverage rising while a demo task runs, then complete when it ends', async () => {
    const { dir, plan } = copyDemo((text) => text.replace('liveSeconds: 3', 'liveSeconds: 1'));
    // The processors live in the copy and write to its own warehouse folder, seeded with
    // the schedule as `npm start` does.
    execFileSync('node', [path.join(dir, 'seed-warehouse.mjs')], {
      env: { ...process.env, DEMO_WAREHOUSE: path.join(dir, 'warehouse') },
    });
    term = startTmux(
      [
        'env',
        `DEMO_WAREHOUSE=${path.join(dir, 'warehouse')}`,
        'DEMO_DELAY_MS=120',
        'node',
        path.join(repoRoot, 'bin/backfill-console.js'),
        '--plan',
        plan,
      ],
      { columns: 120, rows: 40 },
    );
    await term.waitForScreen(
      (s) =>
        /team_offense_game_summary\s+0\/45 0%/.test(s.replace(/▶/g, ' ')) || s.includes('0/45 0%'),
      'the empty tracker',
    );
    term.keys('m');
    await term.waitForScreen((s) => s.includes('PROCESSOR'), 'the coverage matrix');
    term.keys('Enter');
    const rising = await term.waitForScreen(
      (s) => {
        const match = /▶ (\d+)\/45/.exec(cellOf(s, 'team_offense_game_summary'));
        return match !== null && Number(match[1]) > 0 && Number(match[1]) < 45;
      },
      'coverage rising while the task runs',
      30_000,
    );
    expect(cellOf(rising, 'team_offense_game_summary')).toContain('▶');
    const done = await term.waitForScreen(
      (s) =>
        /45\/45 100%/.test(cellOf(s, 'team_offense_game_summary')) &&
        !cellOf(s, 'team_offense_game_summary').includes('▶'),
      'the cell complete after the task ended',
      40_000,
    );
    expect(done).toContain('45/45 expected dates (100%) · complete');
    term.keys('q');
    await waitFor('the console to exit', () => term!.exitStatus() !== undefined);
    expect(term.exitStatus()).toBe(0);
  });
});
