import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { AppState, AppStore } from '../state/store.js';
import type { LogBook } from '../state/log-book.js';
import type { Paint } from './paint.js';

/** What every component reads from: the store, the log tails and the colours. Nothing else. */
export type Services = { store: AppStore; logBook: LogBook; paint: Paint };

export const ServicesContext = createContext<Services | undefined>(undefined);

export const useServices = (): Services => {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('ServicesContext is missing: render through <App>');
  return services;
};

/** Subscribes to the smallest slice of state a component needs. */
export const useAppState = <T>(selector: (state: AppState) => T): T =>
  useStore(useServices().store, selector);
