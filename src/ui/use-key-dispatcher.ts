import { useInput } from 'ink';
import { Mode } from '../state/ui-slice.js';
import { runAction } from './actions.js';
import type { UiContext } from './actions.js';
import { bindingFor } from './keymap.js';
import { charName, keyName } from './key-name.js';

const dispatch = (ctx: UiContext, name: string, text: string) => {
  const state = ctx.store.getState();
  if (state.notice) state.noticeCleared();
  const binding = bindingFor(state.mode, name);
  if (binding) return runAction(binding.action, ctx);
  // In search mode every other printable key is part of the query.
  if (state.mode === Mode.search && text && name === text) {
    state.searchDraftChanged(state.search.draft + text);
  }
};

/** The one root input handler: routes every key by mode through the keymap. */
export const useKeyDispatcher = (ctx: UiContext): void => {
  useInput((input, key) => {
    // Ink hands over keys typed faster than a frame ("jjj", "\rjj\r") as one string:
    // each character is its own key press.
    if (input.length > 1 && !key.ctrl && !key.meta && !input.startsWith('\u001b')) {
      for (const char of input) dispatch(ctx, charName(char), char);
      return;
    }
    dispatch(ctx, keyName(input, key), key.ctrl || key.meta ? '' : input);
  });
};
