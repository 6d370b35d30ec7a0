import { Text, Transform } from 'ink';

/**
 * One pre-formatted screen row. Ink 6.8 caches the measurement of every distinct string
 * it lays out and never evicts it (ink#986): a scrolling log would grow ~0.7 GB an hour.
 * Yoga measures this constant placeholder instead; the row text, already cut to width
 * by the app, is swapped in at output time.
 */
export const Line = ({ text }: { text: string }) => (
  <Transform transform={() => text}>
    <Text>{placeholder}</Text>
  </Transform>
);

const placeholder = ' ';
