import { afterEach, describe, expect, it } from 'vitest';
import { emptyProgress } from '../../src/state/progress.js';
import { keys, renderApp } from '../support/render-app.js';
import type { Rendered } from '../support/render-app.js';

let app: Rendered | undefined;
afterEach(() => app?.unmount());

const rowOf = (frame: string, text: string) =>
  frame.split('\n').find((line) => line.includes(text)) ?? '';

describe('task table', () => {
  it('groups processor x window rows under their phase headings', async () => {
    app = renderApp();
    const frame = await app.waitForFrame((f) => f.includes('Phase 4 precompute'));
    const lines = frame.split('\n');
    const phase3 = lines.findIndex((l) => l.includes('Phase 3 analytics'));
    const phase4 = lines.findIndex((l) => l.includes('Phase 4 precompute'));
    const alpha = lines.findIndex((l) => l.includes('alpha') && l.includes('w1'));
    const beta = lines.findIndex((l) => l.includes('beta') && l.includes('w2'));
    expect(phase3).toBeLessThan(alpha);
    expect(alpha).toBeLessThan(phase4);
    expect(phase4).toBeLessThan(beta);
    // beta depends on alpha: it waits until alpha is done.
    expect(rowOf(frame, 'beta')).toContain('waiting');
  });

  it('shows status, progress, counts and the failed dates of a run', async () => {
    app = renderApp();
    const { store } = app;
    store.getState().taskStarting('alpha@w1', '/tmp/a.log');
    store.getState().taskStarted('alpha@w1', 4321, Date.now() - 60_000);
    store.getState().outputReceived([
      {
        taskId: 'alpha@w1',
        progress: {
          ...emptyProgress,
          index: 3,
          total: 5,
          currentDate: '2022-04-18',
          succeeded: 1,
          failed: 1,
          failedDates: ['2022-04-17'],
        },
      },
    ]);
    const running = await app.waitForFrame((f) => rowOf(f, 'alpha').includes('3/5'));
    // At 100 columns the bar gives way to the name (row-labels.test.ts draws it at 120).
    expect(rowOf(running, 'alpha')).toMatch(/running.*3\/5.*✓1\s+✗1/);
    store.getState().taskExited('alpha@w1', { exitCode: 0, endedAt: Date.now() });
    const done = await app.waitForFrame((f) => rowOf(f, 'alpha').includes('1 date failed'));
    expect(done).toContain('exit 0 but 1 date failed');
    expect(done).toContain('failed: 2022-04-17');
  });
});

describe('keys', () => {
  it('moves the selection with j/k and arrows and starts, stops, kills and restarts it', async () => {
    app = renderApp();
    await app.waitForFrame((f) => f.includes('alpha'));
    // Down twice, up once: alpha@w2. beta waits for alpha, so the keys go to alpha@w2.
    await app.press('j', keys.down, 'k');
    await app.press(keys.enter, 's', 'x', 'X', 'r');
    await app.press(keys.up);
    await app.press(keys.enter);
    expect(app.calls).toEqual([
      { action: 'start', taskId: 'alpha@w2' },
      { action: 'start', taskId: 'alpha@w2' },
      { action: 'stop', taskId: 'alpha@w2' },
      { action: 'kill', taskId: 'alpha@w2' },
      { action: 'restart', taskId: 'alpha@w2' },
      { action: 'start', taskId: 'alpha@w1' },
    ]);
  });

  it('opens the help generated from the keymap and closes it with Esc', async () => {
    app = renderApp();
    await app.waitForFrame((f) => f.includes('alpha'));
    await app.press('?');
    const help = await app.waitForFrame((f) => f.includes('Keys'));
    expect(help).toContain('Kill the process group');
    expect(help).toContain('Coverage matrix');
    expect(help).toContain('Split view');
    await app.press(keys.escape);
    await app.waitForFrame((f) => f.includes('Phase 3 analytics'));
  });

  it('asks before quitting while tasks run: s stops them, l leaves them running, Esc cancels', async () => {
    app = renderApp();
    app.store.getState().taskStarting('alpha@w1', '/tmp/a.log');
    app.store.getState().taskStarted('alpha@w1', 1, Date.now());
    await app.waitForFrame((f) => f.includes('running'));
    await app.press('q');
    await app.waitForFrame((f) =>
      f.includes(
        '1 task is running: s stop it and quit · l leave it running and quit · Esc cancel',
      ),
    );
    expect(app.quits()).toBe(0);
    await app.press(keys.escape);
    await app.waitForFrame((f) => !f.includes('Esc cancel'));
    expect(app.quits()).toBe(0);
    await app.press('q', 'l');
    expect(app.quitPolicies).toEqual(['leave']);
    await app.press('q', 's');
    expect(app.quitPolicies).toEqual(['leave', 'stop']);
  });

  it('quits at once when nothing runs', async () => {
    app = renderApp();
    await app.waitForFrame((f) => f.includes('alpha'));
    await app.press('q');
    expect(app.quits()).toBe(1);
  });
});

describe('log panes', () => {
  const withLines = (count: number) => {
    app = renderApp();
    const lines = Array.from({ length: count }, (_, i) => `INFO:__main__:line ${i + 1}`);
    app.logBook.ring('alpha@w1').append(lines);
    app.store.getState().outputReceived([{ taskId: 'alpha@w1', progress: emptyProgress }]);
    return app;
  };

  it('shows the newest lines of the selected task and follows new ones', async () => {
    const app = withLines(50);
    await app.waitForFrame((f) => f.includes('line 50') && f.includes('following'));
    app.logBook.ring('alpha@w1').append(['INFO:__main__:line 51']);
    app.store.getState().outputReceived([{ taskId: 'alpha@w1', progress: emptyProgress }]);
    const frame = await app.waitForFrame((f) => f.includes('line 51'));
    expect(frame).not.toContain('line 1\n');
  });

  it('scrolls with PgUp and Home, pauses following, and End resumes it', async () => {
    const app = withLines(200);
    await app.waitForFrame((f) => f.includes('line 200'));
    await app.press(keys.pageUp);
    const paused = await app.waitForFrame((f) => f.includes('paused at line'));
    expect(paused).not.toContain('line 200');
    await app.press(keys.home);
    await app.waitForFrame((f) => /line 1\b/.test(f));
    await app.press(keys.end);
    await app.waitForFrame((f) => f.includes('line 200') && f.includes('following'));
  });

  it('searches with / and moves between matches with n and N', async () => {
    const app = withLines(300);
    app.logBook
      .ring('alpha@w1')
      .append(['ERROR: boom at 2022-04-19', ...Array.from({ length: 100 }, (_, i) => `tail ${i}`)]);
    app.store.getState().outputReceived([{ taskId: 'alpha@w1', progress: emptyProgress }]);
    await app.waitForFrame((f) => f.includes('tail 99'));
    await app.press('/', 'b', 'o', 'o', 'm');
    await app.waitForFrame((f) => f.includes('/boom'));
    await app.press(keys.enter);
    const found = await app.waitForFrame((f) => f.includes('ERROR: boom at 2022-04-19'));
    expect(found).toContain('paused at line 301');
    await app.press('n');
    await app.waitForFrame((f) => f.includes('no older match for "boom"'));
  });

  it('shows up to four tasks at once in the split view and cycles focus with Tab', async () => {
    app = renderApp();
    for (const id of ['alpha@w1', 'alpha@w2', 'beta@w1', 'beta@w2']) {
      app.store.getState().taskStarting(id, `/tmp/${id}.log`);
      app.store.getState().taskStarted(id, 1, Date.now());
      app.logBook.ring(id).append([`hello from ${id}`]);
      app.store.getState().outputReceived([{ taskId: id, progress: emptyProgress }]);
    }
    await app.press('v');
    const split = await app.waitForFrame((f) =>
      ['alpha@w1', 'alpha@w2', 'beta@w1', 'beta@w2'].every((id) => f.includes(`hello from ${id}`)),
    );
    expect(split.match(/── \w+ w\d ·/g)).toHaveLength(4);
    await app.press(keys.tab);
    expect(app.store.getState().focus).toEqual({ area: 'pane', index: 0 });
  });
});

describe('fast typing', () => {
  it('treats keys that arrive in one chunk as separate presses', async () => {
    app = renderApp();
    await app.waitForFrame((f) => f.includes('alpha'));
    app.stdin.write('\rj\r');
    await app.waitForFrame(() => app!.calls.length === 2);
    expect(app.calls).toEqual([
      { action: 'start', taskId: 'alpha@w1' },
      { action: 'start', taskId: 'alpha@w2' },
    ]);
  });
});

describe('narrow terminals', () => {
  it('draws a running task with progress at 90 columns, where the bar column is dropped', async () => {
    const { taskRowText, tableColumns } = await import('../../src/ui/task-columns.js');
    const { createPaint } = await import('../../src/ui/paint.js');
    const { Chalk } = await import('chalk');
    const runtime = {
      status: 'running' as const,
      attempt: 1,
      startedAt: Date.now() - 10_000,
      progress: { ...emptyProgress, index: 5, total: 10, succeeded: 4 },
    };
    const columns = tableColumns(90);
    expect(columns.bar).toBe(0);
    const row = taskRowText(
      { id: 'alpha@w1', processorId: 'alpha', windowId: 'w1', phaseId: '3' },
      runtime,
      columns,
      Date.now(),
      createPaint(new Chalk({ level: 0 })),
    );
    expect(row).toContain('5/10');
  });
});

describe('the render path', () => {
  it('paints log rows and row text outside Ink: Ink lays out marks and a blank log area', async () => {
    app = renderApp();
    app.logBook.ring('alpha@w1').append(['INFO: painted by the screen writer']);
    app.store.getState().outputReceived([{ taskId: 'alpha@w1', progress: emptyProgress }]);
    const screen = await app.waitForFrame((f) => f.includes('painted by the screen writer'));
    expect(screen).toContain('── alpha w1 ·');
    expect(screen).toContain('Phase 3 analytics');
    // Ink's own frame: the layout, with marks where the chrome rows go and the log area blank.
    const inkFrame = app.lastFrame() ?? '';
    expect(inkFrame).toMatch(/\uE000[\uE010-\uE019]+\uE000/);
    expect(inkFrame).not.toContain('Phase 3 analytics');
    expect(inkFrame).not.toContain('painted by the screen writer');
    expect(inkFrame).not.toContain('── alpha w1 ·');
  });

  it('does not re-render the chrome for log lines alone', async () => {
    app = renderApp();
    await app.waitForFrame((f) => f.includes('alpha'));
    const chromeFrames = app.frames.length;
    for (let i = 1; i <= 20; i++) {
      app.logBook.ring('alpha@w1').append([`tick ${i}`]);
      app.store.getState().outputReceived([{ taskId: 'alpha@w1', progress: emptyProgress }]);
      // Each tick in its own turn of the event loop, as the supervisor's timer delivers them.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await app.waitForFrame((f) => f.includes('tick 20'));
    expect(app.frames.length).toBe(chromeFrames);
  });
});
