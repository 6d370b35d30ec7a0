/**
 * A count with its noun, singular for one: `counted(1, 'date')` is "1 date", `counted(3, 'date')` "3 dates".
 * Every count an operator reads goes through here, so "1 dates" cannot come back one call site at a time.
 */
export const counted = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** "1 date failed", "3 dates failed": a run's failed dates, as the table, exits and history say it. */
export const datesFailed = (count: number): string => `${counted(count, 'date')} failed`;
