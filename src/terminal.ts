/**
 * The alternate screen keeps the operator's shell scrollback intact and lets us draw
 * without Ink's full-screen clears; every exit path must leave it again.
 */
export const enterFullScreen = (stdout: NodeJS.WriteStream): (() => void) => {
  stdout.write('\u001b[?1049h\u001b[H\u001b[?25l');
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    stdout.write('\u001b[?25h\u001b[?1049l');
  };
};
