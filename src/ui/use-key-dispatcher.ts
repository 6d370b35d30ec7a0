import { useInput } from 'ink';
import { Mode } from '../state/ui-slice.js';
import { runAction } from './actions.js';
import type { UiContext } from './actions.js';
import { bindingFor } from './keymap.js';
import { keyName } from './key-name.js';

/** The one root input handler: routes every key by mode through the keymap. */
export const useKeyDispatcher = (ctx: UiContext): void => {
  useInput((input, key) => {
    const state = ctx.store.getState();
    const name = keyName(input, key);
    if (state.notice) state.noticeCleared();
    const binding = bindingFor(state.mode, name);
    if (binding) return runAction(binding.action, ctx);
    // In search mode every other printable key is part of the query.
    if (state.mode === Mode.search && input && !key.ctrl && !key.meta) {
      state.searchDraftChanged(state.search.draft + input);
    }
  });
};
