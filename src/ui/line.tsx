import { useId } from 'react';
import { Text, Transform } from 'ink';
import { useServices } from './services-context.js';
import type { RowText } from './row-marks.js';

/**
 * One pre-formatted screen row, the only thing on its row. Yoga measures a constant
 * placeholder (Ink 6.8 caches the measurement of every distinct string and never evicts it,
 * ink#986), and Ink draws a short mark in its place: the screen writer writes the row text,
 * already cut to width by the app, where the mark is (see row-marks.ts). A timed text (elapsed
 * times, countdowns) is redrawn by the writer's clock without a React commit.
 */
export const Line = ({ text }: { text: RowText }) => {
  const { screen } = useServices();
  const key = useId();
  return (
    <Transform transform={() => screen.mark(key, text)}>
      <Text>{placeholder}</Text>
    </Transform>
  );
};

const placeholder = ' ';
