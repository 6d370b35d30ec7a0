import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderApp } from '../support/render-app.js';
import type { Rendered } from '../support/render-app.js';
import type * as TaskColumns from '../../src/ui/task-columns.js';

// Every render of a task row builds its text once: counting the calls counts the rows React
// rendered (the rows here are idle, so none is a timed text the writer's clock calls).
const rowTexts = vi.hoisted(() => ({ calls: [] as string[] }));
vi.mock('../../src/ui/task-columns.js', async (importOriginal) => {
  const original = await importOriginal<typeof TaskColumns>();
  return {
    ...original,
    taskRowText: (...args: Parameters<typeof original.taskRowText>) => {
      rowTexts.calls.push(args[0].id);
      return original.taskRowText(...args);
    },
  };
});

let app: Rendered | undefined;
afterEach(() => app?.unmount());

const detailNames = (id: string) => (frame: string) =>
  frame.split('\n').some((line) => line.startsWith(`${id} ·`));

describe('task table renders', () => {
  it('re-renders only the two rows whose selection changed when j/k move it', async () => {
    app = renderApp();
    await app.waitForFrame(detailNames('alpha@w1'));
    rowTexts.calls.length = 0;
    await app.press('j');
    await app.waitForFrame(detailNames('alpha@w2'));
    expect(rowTexts.calls.sort()).toEqual(['alpha@w1', 'alpha@w2']);
    rowTexts.calls.length = 0;
    await app.press('k');
    await app.waitForFrame(detailNames('alpha@w1'));
    expect(rowTexts.calls.sort()).toEqual(['alpha@w1', 'alpha@w2']);
  });

  it('re-renders only the row of the task that changed', async () => {
    app = renderApp();
    await app.waitForFrame(detailNames('alpha@w1'));
    rowTexts.calls.length = 0;
    app.store.getState().taskStarting('beta@w2', '/tmp/b.log');
    await app.waitForFrame((f) => f.includes('starting'));
    expect(rowTexts.calls.length).toBeGreaterThan(0);
    expect(rowTexts.calls.filter((id) => id !== 'beta@w2')).toEqual([]);
  });
});
