/** Polls until `check` returns a value other than undefined/false; fails with `what` after the deadline. */
export const waitFor = async <T>(
  what: string,
  check: () => T | undefined | false,
  deadlineMs = 10_000,
): Promise<T> => {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};
