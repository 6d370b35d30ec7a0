import type { Mode } from '../state/ui-slice.js';

export const ActionId = {
  selectUp: 'select-up',
  selectDown: 'select-down',
  start: 'start',
  stop: 'stop',
  kill: 'kill',
  restart: 'restart',
  focusNext: 'focus-next',
  focusPrevious: 'focus-previous',
  toggleSplit: 'toggle-split',
  pageUp: 'page-up',
  pageDown: 'page-down',
  top: 'top',
  bottom: 'bottom',
  follow: 'follow',
  searchOpen: 'search-open',
  searchNext: 'search-next',
  searchPrevious: 'search-previous',
  helpOpen: 'help-open',
  helpClose: 'help-close',
  quit: 'quit',
  confirmYes: 'confirm-yes',
  confirmNo: 'confirm-no',
  searchSubmit: 'search-submit',
  searchCancel: 'search-cancel',
  searchBackspace: 'search-backspace',
} as const;
export type ActionId = (typeof ActionId)[keyof typeof ActionId];

export type KeyBinding = {
  action: ActionId;
  /** Normalised key names (see keyName): a character, or up, down, enter, tab, shift-tab… */
  keys: readonly string[];
  /** How the key is written in the help and footer. */
  label: string;
  description: string;
  group: 'Tasks' | 'Logs' | 'View' | 'General';
  mode: Mode;
  /** A word or two for the one-line footer; bindings without one appear only in the help. */
  footer?: string;
};

/** The one table of keys: the dispatcher, the help overlay and the footer all read it. */
export const keymap: readonly KeyBinding[] = [
  { action: ActionId.selectUp, keys: ['up', 'k'], label: '↑/k', description: 'Select the task above (scrolls the log when a log pane has focus)', group: 'Tasks', mode: 'normal', footer: 'select' },
  { action: ActionId.selectDown, keys: ['down', 'j'], label: '↓/j', description: 'Select the task below (scrolls the log when a log pane has focus)', group: 'Tasks', mode: 'normal' },
  { action: ActionId.start, keys: ['enter', 's'], label: '⏎/s', description: 'Start the selected task', group: 'Tasks', mode: 'normal', footer: 'start' },
  { action: ActionId.stop, keys: ['x'], label: 'x', description: 'Stop: SIGTERM to the process group, SIGKILL after the grace period', group: 'Tasks', mode: 'normal', footer: 'stop' },
  { action: ActionId.kill, keys: ['X'], label: 'X', description: 'Kill the process group at once (SIGKILL)', group: 'Tasks', mode: 'normal' },
  { action: ActionId.restart, keys: ['r'], label: 'r', description: 'Restart the selected task (stops it first if running)', group: 'Tasks', mode: 'normal', footer: 'restart' },
  { action: ActionId.focusNext, keys: ['tab'], label: 'Tab', description: 'Move focus: task table → log panes', group: 'View', mode: 'normal', footer: 'focus' },
  { action: ActionId.focusPrevious, keys: ['shift-tab'], label: 'S-Tab', description: 'Move focus backwards', group: 'View', mode: 'normal' },
  { action: ActionId.toggleSplit, keys: ['v'], label: 'v', description: 'Split view: up to four tasks’ logs at once', group: 'View', mode: 'normal', footer: 'split' },
  { action: ActionId.pageUp, keys: ['pageup', 'ctrl-b'], label: 'PgUp', description: 'Scroll the focused log up a page', group: 'Logs', mode: 'normal' },
  { action: ActionId.pageDown, keys: ['pagedown', 'ctrl-f'], label: 'PgDn', description: 'Scroll the focused log down a page', group: 'Logs', mode: 'normal' },
  { action: ActionId.top, keys: ['home', 'g'], label: 'Home/g', description: 'Jump to the oldest line kept', group: 'Logs', mode: 'normal' },
  { action: ActionId.bottom, keys: ['end', 'G'], label: 'End/G', description: 'Jump to the newest line and follow', group: 'Logs', mode: 'normal' },
  { action: ActionId.follow, keys: ['f'], label: 'f', description: 'Toggle follow (keep the newest line in view)', group: 'Logs', mode: 'normal', footer: 'follow' },
  { action: ActionId.searchOpen, keys: ['/'], label: '/', description: 'Search the focused log (newest match first)', group: 'Logs', mode: 'normal', footer: 'search' },
  { action: ActionId.searchNext, keys: ['n'], label: 'n', description: 'Next match (older)', group: 'Logs', mode: 'normal' },
  { action: ActionId.searchPrevious, keys: ['N'], label: 'N', description: 'Previous match (newer)', group: 'Logs', mode: 'normal' },
  { action: ActionId.helpOpen, keys: ['?'], label: '?', description: 'Show this help', group: 'General', mode: 'normal', footer: 'help' },
  { action: ActionId.quit, keys: ['q', 'ctrl-c'], label: 'q', description: 'Quit (asks first when tasks are running, then stops them)', group: 'General', mode: 'normal', footer: 'quit' },
  { action: ActionId.helpClose, keys: ['escape', '?', 'q'], label: 'Esc', description: 'Close the help', group: 'General', mode: 'help' },
  { action: ActionId.confirmYes, keys: ['y', 'Y'], label: 'y', description: 'Yes, go ahead', group: 'General', mode: 'confirm' },
  { action: ActionId.confirmNo, keys: ['n', 'N', 'escape'], label: 'n/Esc', description: 'No, cancel', group: 'General', mode: 'confirm' },
  { action: ActionId.searchSubmit, keys: ['enter'], label: '⏎', description: 'Find the newest match', group: 'Logs', mode: 'search' },
  { action: ActionId.searchCancel, keys: ['escape'], label: 'Esc', description: 'Cancel the search', group: 'Logs', mode: 'search' },
  { action: ActionId.searchBackspace, keys: ['backspace'], label: '⌫', description: 'Delete a character', group: 'Logs', mode: 'search' },
];

export const bindingFor = (mode: Mode, key: string): KeyBinding | undefined =>
  keymap.find((binding) => binding.mode === mode && binding.keys.includes(key));
