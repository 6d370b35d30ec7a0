import { useEffect, useState } from 'react';
import { useStdout } from 'ink';

/** The screen writer's sink tells the terminal's width apart from Ink's narrow canvas. */
type Sized = { columns?: number; rows?: number; terminalColumns?: number };

const sizeOf = (stdout: Sized) => ({
  columns: stdout.terminalColumns || stdout.columns || 80,
  rows: stdout.rows || 24,
});

/** Columns and rows of the terminal, updated on resize. */
export const useTerminalSize = (): { columns: number; rows: number } => {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => sizeOf(stdout));
  useEffect(() => {
    const onResize = () => setSize(sizeOf(stdout));
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
};
