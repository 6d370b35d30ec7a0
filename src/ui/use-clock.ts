import { useEffect, useState } from 'react';

/**
 * A 1 s clock for elapsed times and stop countdowns. It only ticks while `active`, so an
 * idle console draws no frames at all.
 */
export const useClock = (active: boolean, intervalMs = 1000): number => {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs]);
  return now;
};
