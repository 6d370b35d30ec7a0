import { describe, expect, it } from 'vitest';
import { createAppStore } from '../../src/state/store.js';
import { testPlan } from '../support/plans.js';

const shown = (store: ReturnType<typeof createAppStore>) => store.getState().notice?.text;

describe('notices', () => {
  it('a newer notice of the same or a worse level replaces the one shown', () => {
    const store = createAppStore(testPlan());
    store.getState().noticeShown('writing the handoff report…');
    store.getState().noticeShown('retrying beta@w1 in 30 s', 'warn');
    expect(shown(store)).toBe('retrying beta@w1 in 30 s');
    store
      .getState()
      .noticeShown('disk full: cannot write the handoff report in .backfill', 'error');
    expect(shown(store)).toBe('disk full: cannot write the handoff report in .backfill');
    store.getState().noticeShown('disk full: cannot write the journal in .backfill', 'error');
    expect(shown(store)).toBe('disk full: cannot write the journal in .backfill');
  });

  it('keeps an error until a key dismisses it; the latest milder notice shows then', () => {
    const store = createAppStore(testPlan());
    store
      .getState()
      .noticeShown('disk full: cannot write the handoff report in .backfill', 'error');
    store.getState().noticeShown('retrying beta@w1 in 30 s', 'warn');
    store.getState().noticeShown('run (gaps) finished: 3 succeeded', 'info');
    expect(shown(store)).toBe('disk full: cannot write the handoff report in .backfill');
    store.getState().noticeCleared();
    expect(shown(store)).toBe('run (gaps) finished: 3 succeeded');
    store.getState().noticeCleared();
    expect(shown(store)).toBeUndefined();
  });

  it('only an error holds: information replaces a warning', () => {
    const store = createAppStore(testPlan());
    store.getState().noticeShown('pending retry cancelled', 'warn');
    store.getState().noticeShown('handoff report written', 'info');
    expect(shown(store)).toBe('handoff report written');
    expect(store.getState().pendingNotice).toBeUndefined();
  });

  it('a notice that settles the error shown replaces it: the disk has space again', () => {
    const store = createAppStore(testPlan());
    const full = 'disk full: cannot write the state journal in .backfill; free space there';
    store.getState().noticeShown(full, 'error');
    store.getState().noticeShown('journal written', 'info', 'another error');
    expect(shown(store)).toBe(full);
    store
      .getState()
      .noticeShown('the state folder takes writes again: journal written', 'info', full);
    expect(shown(store)).toBe('the state folder takes writes again: journal written');
    // What waited behind the error is older than the news that settled it: not shown after it.
    store.getState().noticeCleared();
    expect(shown(store)).toBeUndefined();
  });
});
