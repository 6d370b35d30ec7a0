// How long a simulated date takes. DEMO_DELAY_MS, when set in the environment the console
// was started with, overrides everything (0 = instant, for tests). Otherwise DEMO_PACE_MS,
// which the plan sets per processor, and then the default below.
import { setTimeout as sleep } from 'node:timers/promises';

/** Default per-date delay: ~45 game dates x 300 ms makes a task last about 15 s. */
const DEFAULT_PACE_MS = 300;

const readMs = (name) => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
};

export const paceMs = () => readMs('DEMO_DELAY_MS') ?? readMs('DEMO_PACE_MS') ?? DEFAULT_PACE_MS;

/** Waits `fraction` of the pace, with +-20% jitter so lines do not tick like a metronome. */
export const workFor = async (fraction = 1) => {
  const base = paceMs() * fraction;
  if (base <= 0) return;
  await sleep(Math.round(base * (0.8 + Math.random() * 0.4)));
};

/** Wall-clock seconds of a simulated date, as the real scripts print `in 0.4s`. */
export const elapsedSince = (startedAt) => ((Date.now() - startedAt) / 1000).toFixed(1);
