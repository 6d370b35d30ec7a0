import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyDemo, repoRoot } from '../support/demo-copy.js';
import { startTmux } from '../support/tmux.js';
import { waitFor } from '../support/wait-for.js';

let term: ReturnType<typeof startTmux> | undefined;
afterEach(() => term?.kill());

const completeCells = (screen: string) =>
  Number(/(\d+)\/27 cells complete/.exec(screen)?.[1] ?? -1);

describe('running the whole demo plan from the console', () => {
  it('a runs the plan and leaves the demo’s failed dates as gaps; fill gaps closes them all', async () => {
    const { dir, plan } = copyDemo();
    const warehouse = path.join(dir, 'warehouse');
    execFileSync('node', [path.join(dir, 'seed-warehouse.mjs')], {
      env: { ...process.env, DEMO_WAREHOUSE: warehouse },
    });
    term = startTmux(
      [
        'env',
        `DEMO_WAREHOUSE=${warehouse}`,
        'DEMO_DELAY_MS=5',
        'node',
        path.join(repoRoot, 'bin/backfill-console.js'),
        '--plan',
        plan,
      ],
      { columns: 140, rows: 45 },
    );
    await term.waitForScreen((s) => s.includes('0/27 cells complete'), 'the empty tracker');

    term.keys('a');
    const preview = await term.waitForScreen((s) => s.includes('27 tasks to run'), 'the dry run');
    expect(preview).toContain(
      '$ node processors/phase3.mjs --processor team_offense_game_summary --start-date 2022-04-16 --end-date 2022-06-17',
    );
    term.keys('y');
    const first = await term.waitForScreen(
      (s) => s.includes('run (all) finished'),
      'the first run to finish',
      90_000,
    );
    expect(first).toMatch(/not launched/);
    expect(completeCells(first)).toBeLessThan(27);
    term.keys('m');
    // Task exits queue coverage queries; read the matrix once they have all answered.
    const gaps = await term.waitForScreen(
      (s) => s.includes('PROCESSOR') && !/refreshing \d/.test(s),
      'the coverage matrix, refreshed',
      30_000,
    );
    expect(gaps).toMatch(/team_defense_zone_analysis\s+4[0-4]\/45/);

    // The demo fails some dates on a first attempt only; a crash upstream may need a second pass.
    for (let pass = 0; pass < 3 && completeCells(term.screen()) < 27; pass++) {
      term.keys('G');
      await term.waitForScreen((s) => s.includes('Fill gaps'), 'the fill-gaps dry run');
      term.keys('y');
      await term.waitForScreen(
        (s) => s.includes('run (gaps) finished'),
        'the fill-gaps run to finish',
        90_000,
      );
      await term.waitForScreen((s) => !/refreshing \d/.test(s), 'coverage refreshed');
    }
    const done = await term.waitForScreen(
      (s) => completeCells(s) === 27,
      'every cell complete',
      20_000,
    );
    expect(done).not.toMatch(/\d+\/\d+ \d?\d%\s/);
    term.keys('q');
    await waitFor('the console to exit', () => term!.exitStatus() !== undefined);
  }, 240_000);
});
