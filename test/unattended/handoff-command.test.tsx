import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildHandoff, writeHandoffFile } from '../../src/runner/session/handoff-writer.js';
import { planRun } from '../../src/runner/orchestration/run-planner.js';
import { renderApp } from '../support/render-app.js';
import type { Rendered } from '../support/render-app.js';
import { testPlan } from '../support/plans.js';
import { tempDir } from '../orchestration/orchestration-plan.js';
import { cli, unattendedPlan } from './unattended-plan.js';

let app: Rendered | undefined;
afterEach(() => app?.unmount());

describe('the handoff report', () => {
  it('backfill-console report --out writes the Markdown with the failure and the exact fill-gaps command', async () => {
    const setup = unattendedPlan({ alpha: ['--fail', '2022-04-19'] });
    await cli(['run', '--plan', setup.file, '--only', 'alpha']);
    const out = path.join(setup.dir, 'handoff.md');
    const result = await cli(['report', '--plan', setup.file, '--out', out]);
    expect(result.stdout).toContain(`handoff report written to ${out}`);
    expect(result.code).toBe(0);
    const markdown = readFileSync(out, 'utf8');
    expect(markdown).toContain('| Phase 3 analytics | alpha | 🟡 3/4 |');
    expect(markdown).toContain('| Phase 4 precompute | beta | ⏳ 0/4 |');
    expect(markdown).toMatch(
      /\*\*alpha@w1\*\* \(attempt 1\): exit 0 but 1 date failed · failed dates \(1\): 2022-04-19/,
    );
    // what remains: the fill-gaps dry run, in order, with its exact commands
    expect(markdown).toMatch(/1\. \*\*alpha@w1\*\*: 1 missing date in 1 range/);
    expect(markdown).toContain('--start-date 2022-04-19 --end-date 2022-04-19 --window w1');
    expect(markdown).toMatch(/2\. \*\*beta@w1\*\*: 4 missing dates/);
    expect(markdown).toContain(`backfill-console run --plan ${setup.file} --fill-gaps`);
  }, 60_000);

  it('H in the console writes it to .backfill/reports/ and says where', async () => {
    const plan = testPlan(tempDir('handoff-key'));
    app = renderApp(plan, {
      runs: {
        requestPreview: () => undefined,
        start: () => undefined,
        togglePause: () => undefined,
        isRunning: () => false,
        writeHandoff: () =>
          void buildHandoff(
            app!.store,
            {
              previewWhenFresh: (mode) =>
                Promise.resolve(planRun(plan, app!.store.getState(), mode)),
            },
            undefined,
          ).then((markdown) => {
            const file = writeHandoffFile(plan, markdown);
            app!.store.getState().noticeShown(`handoff report written to ${file}`);
          }),
      },
    });
    await app.press('H');
    await app.waitForFrame((frame) => frame.includes('handoff report written to'));
    const folder = path.join(plan.stateDir, 'reports');
    expect(existsSync(folder)).toBe(true);
    const [file] = readdirSync(folder);
    expect(file).toMatch(/^handoff-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.md$/);
    expect(readFileSync(path.join(folder, file!), 'utf8')).toContain('| Phase | Processor | ');
  });
});
