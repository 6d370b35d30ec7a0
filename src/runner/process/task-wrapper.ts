/**
 * Every command runs under a fixed /bin/sh trampoline that records its own pid in a file as
 * it starts and the exit status in another as it ends. The console may be gone when a task
 * ends (it was quit with "leave running", crashed, or lost its terminal), or even die between
 * spawning a run and writing the journal; the next console reads the files to find the run
 * and learn its real status. The argv is passed as positional parameters ("$@"): no value
 * from the plan is ever parsed by the shell.
 *
 * The trap is a no-op handler, not an ignore, so the processor keeps default signal handling
 * (handlers reset on exec); the shell itself survives SIGTERM to the group long enough to
 * write the status after its child died of it, and exits with the child's code.
 */
const script = [
  "trap ':' TERM INT HUP",
  'printf "%s\\n" "$$" > "$BACKFILL_PID_FILE.tmp" && mv -f "$BACKFILL_PID_FILE.tmp" "$BACKFILL_PID_FILE"',
  '"$@"',
  'code=$?',
  'printf "%s\\n" "$code" > "$BACKFILL_EXIT_FILE.tmp" && mv -f "$BACKFILL_EXIT_FILE.tmp" "$BACKFILL_EXIT_FILE"',
  'exit "$code"',
].join('\n');

export const wrapperArgv = (
  file: string,
  args: readonly string[],
): { file: string; args: string[] } => ({
  file: '/bin/sh',
  args: ['-c', script, 'backfill-task', file, ...args],
});

/** Signal names by number for the statuses the shell reports as 128+n. */
const signalNames: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  3: 'SIGQUIT',
  6: 'SIGABRT',
  9: 'SIGKILL',
  11: 'SIGSEGV',
  13: 'SIGPIPE',
  14: 'SIGALRM',
  15: 'SIGTERM',
};

/** A wrapper's exit code 128+n means the processor died of signal n. */
export const exitFromWrapperCode = (code: number): { exitCode?: number; signal?: string } => {
  const signal = code > 128 ? signalNames[code - 128] : undefined;
  return signal ? { signal } : { exitCode: code };
};
