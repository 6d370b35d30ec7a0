import { afterEach, describe, expect, it } from 'vitest';
import { shapedPlan } from '../support/plans.js';
import { renderApp } from '../support/render-app.js';
import type { Rendered } from '../support/render-app.js';

let app: Rendered | undefined;
afterEach(() => app?.unmount());

/** Two processors over 20 one-day windows w01…w20: more than fit beside the names. */
const wideplan = () =>
  shapedPlan({
    name: 'wide plan',
    windows: Array.from({ length: 20 }, (_, i) => ({
      id: `w${String(i + 1).padStart(2, '0')}`,
      start: `2024-01-${String(i + 1).padStart(2, '0')}`,
      end: `2024-01-${String(i + 1).padStart(2, '0')}`,
    })),
    phases: [{ id: '1', title: 'Phase 1' }],
    processors: ['alpha', 'beta'].map((id) => ({ id, phase: '1' })),
  });

const heading = (screen: string) => screen.split('\n').find((l) => l.includes('PROCESSOR')) ?? '';
const windowsIn = (line: string) => line.match(/\bw\d\d\b/g) ?? [];

describe('the coverage matrix with more windows than fit', () => {
  it('pages sideways, keeping the selected window on screen and saying which windows show', async () => {
    app = renderApp(wideplan());
    await app.waitForFrame((f) => f.includes('alpha'));
    await app.press('m');
    // 100 columns: five windows of 12 beside the names.
    const first = await app.waitForFrame((f) => heading(f).includes('windows 1-5 of 20'));
    expect(windowsIn(heading(first))).toEqual(['w01', 'w02', 'w03', 'w04', 'w05']);

    await app.press(...Array.from({ length: 5 }, () => 'l'));
    const second = await app.waitForFrame((f) => heading(f).includes('windows 6-10 of 20'));
    expect(windowsIn(heading(second))).toEqual(['w06', 'w07', 'w08', 'w09', 'w10']);
    expect(app.store.getState().selectedTaskId).toBe('alpha@w06');
    expect(second).toContain('coverage · alpha w06');

    // The last page: w16 to w20, the selection on its last cell.
    await app.press(...Array.from({ length: 14 }, () => 'l'));
    const last = await app.waitForFrame((f) => heading(f).includes('windows 16-20 of 20'));
    expect(windowsIn(heading(last))).toEqual(['w16', 'w17', 'w18', 'w19', 'w20']);
    expect(app.store.getState().selectedTaskId).toBe('alpha@w20');

    await app.press('h', 'h', 'h', 'h', 'h');
    await app.waitForFrame((f) => heading(f).includes('windows 11-15 of 20'));
  });
});
