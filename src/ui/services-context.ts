import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { AppState, AppStore } from '../state/store.js';
import type { LogBook } from '../state/log-book.js';
import type { ChromeView } from './chrome-view.js';
import type { Paint } from './paint.js';
import type { PaneRect } from './pane-rows.js';
import type { RowText } from './row-marks.js';

/** The screen writer, as the chrome sees it: where the log panes go, and the rows' marks. */
export type PaneScreen = {
  panesChanged: (panes: readonly PaneRect[]) => void;
  mark: (key: string, text: RowText) => string;
};

/**
 * What every component reads from: the store (for actions), its frame-budgeted view (for
 * drawing), the log tails, the colours and the pane screen. Nothing else.
 */
export type Services = {
  store: AppStore;
  view: ChromeView;
  logBook: LogBook;
  paint: Paint;
  screen: PaneScreen;
};

export const ServicesContext = createContext<Services | undefined>(undefined);

export const useServices = (): Services => {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('ServicesContext is missing: render through <App>');
  return services;
};

/** Subscribes to the smallest slice of state a component needs, within the frame budget. */
export const useAppState = <T>(selector: (state: AppState) => T): T =>
  useStore(useServices().view, selector);
