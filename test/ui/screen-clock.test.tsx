import { afterEach, describe, expect, it, vi } from 'vitest';
import { Chalk } from 'chalk';
import { createAppStore } from '../../src/state/store.js';
import { createLogBook } from '../../src/state/log-book.js';
import { createPaint } from '../../src/ui/paint.js';
import { createScreenWriter } from '../../src/ui/screen-writer.js';
import { renderApp } from '../support/render-app.js';
import type { Rendered } from '../support/render-app.js';
import { testPlan } from '../support/plans.js';
import { VirtualTerminal } from '../support/virtual-terminal.js';

const flushMicrotasks = () => Promise.resolve();

describe("the screen writer's clock", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const setup = () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const terminal = new VirtualTerminal(40, 5);
    const writer = createScreenWriter(terminal, {
      store: createAppStore(testPlan()),
      logBook: createLogBook(10),
      paint: createPaint(new Chalk({ level: 0 })),
    });
    return { terminal, writer };
  };

  it('redraws a timed row once a second without a new Ink frame', async () => {
    const { terminal, writer } = setup();
    const timed = writer.mark('row', { at: (now) => `at ${now / 1000}`, ticks: true });
    writer.sink.write(`${writer.mark('head', 'heading')}\n${timed}\n`);
    await flushMicrotasks();
    expect(terminal.screen().split('\n').slice(0, 2)).toEqual(['heading', 'at 1000']);
    vi.advanceTimersByTime(1000);
    await flushMicrotasks();
    expect(terminal.screen().split('\n').slice(0, 2)).toEqual(['heading', 'at 1001']);
    vi.advanceTimersByTime(2000);
    await flushMicrotasks();
    expect(terminal.screen().split('\n')[1]).toBe('at 1003');
    writer.dispose();
  });

  it('keeps no timer once no frame shows a ticking row', async () => {
    const { terminal, writer } = setup();
    writer.sink.write(`${writer.mark('row', { at: () => 'running', ticks: true })}\n`);
    await flushMicrotasks();
    expect(vi.getTimerCount()).toBe(1);
    // The task ended: its row is plain text again; an idle ETA is read at the frame's time only.
    writer.sink.write(
      `${writer.mark('row', 'done')}\n${writer.mark('eta', { at: (now) => `eta ${now}`, ticks: false })}\n`,
    );
    await flushMicrotasks();
    expect(vi.getTimerCount()).toBe(0);
    expect(terminal.screen().split('\n').slice(0, 2)).toEqual(['done', 'eta 1000000']);
    writer.dispose();
  });
});

describe('elapsed times in the task table', () => {
  let app: Rendered | undefined;
  afterEach(() => app?.unmount());

  const elapsedOf = (frame: string): number | undefined => {
    const row = frame.split('\n').find((line) => line.includes('alpha') && line.includes('w1'));
    const match = row?.match(/running.*?(\d+)s\s/);
    return match ? Number(match[1]) : undefined;
  };

  it('tick on the screen with no React commit and no Ink frame', async () => {
    app = renderApp();
    app.store.getState().taskStarting('alpha@w1', '/tmp/a.log');
    app.store.getState().taskStarted('alpha@w1', 4321, Date.now() - 5_000);
    const first = elapsedOf(await app.waitForFrame((f) => elapsedOf(f) !== undefined));
    const inkFrames = app.frames.length;
    await app.waitForFrame((f) => (elapsedOf(f) ?? 0) > (first ?? 0), 4000);
    expect(app.frames.length).toBe(inkFrames);
  });
});
