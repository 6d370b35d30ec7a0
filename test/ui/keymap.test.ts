import { describe, expect, it } from 'vitest';
import { keymap } from '../../src/ui/keymap.js';
import { helpLines } from '../../src/ui/help-overlay.js';

describe('keymap', () => {
  it('has no key bound twice within a mode', () => {
    const seen = new Map<string, string>();
    const clashes: string[] = [];
    for (const binding of keymap) {
      for (const key of binding.keys) {
        const slot = `${binding.mode}:${key}`;
        const other = seen.get(slot);
        if (other) clashes.push(`${slot} → ${other} and ${binding.action}`);
        seen.set(slot, binding.action);
      }
    }
    expect(clashes).toEqual([]);
  });

  it('describes every binding, and the help lists every normal-mode binding', () => {
    for (const binding of keymap) expect(binding.description.length).toBeGreaterThan(2);
    const normal = keymap.filter((b) => b.mode === 'normal');
    expect(helpLines().map((l) => l.label)).toEqual(
      expect.arrayContaining(normal.map((b) => b.label)),
    );
    expect(helpLines()).toHaveLength(normal.length);
  });

  it('binds the keys the operator expects', () => {
    const action = (key: string) =>
      keymap.find((b) => b.mode === 'normal' && b.keys.includes(key))?.action;
    expect([action('j'), action('down'), action('k'), action('up')]).toEqual([
      'select-down',
      'select-down',
      'select-up',
      'select-up',
    ]);
    expect([action('enter'), action('s'), action('x'), action('X'), action('r')]).toEqual([
      'start',
      'start',
      'stop',
      'kill',
      'restart',
    ]);
    expect([
      action('tab'),
      action('v'),
      action('f'),
      action('/'),
      action('n'),
      action('N'),
      action('?'),
      action('q'),
    ]).toEqual([
      'focus-next',
      'toggle-split',
      'follow',
      'search-open',
      'search-next',
      'search-previous',
      'help-open',
      'quit',
    ]);
    expect([action('pageup'), action('pagedown'), action('home'), action('end')]).toEqual([
      'page-up',
      'page-down',
      'top',
      'bottom',
    ]);
  });
});
