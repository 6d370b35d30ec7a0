import { describe, expect, it } from 'vitest';
import { substituteArgv } from '../../src/plan/index.js';

describe('substituteArgv', () => {
  const window = { id: '2021-22', start: '2022-04-16', end: '2022-06-17' };

  it('fills start, end and window into each argument', () => {
    expect(
      substituteArgv(['x.py', '--start-date', '{start}', '--end-date={end}', 'w={window}'], window),
    ).toEqual(['x.py', '--start-date', '2022-04-16', '--end-date=2022-06-17', 'w=2021-22']);
  });

  it('keeps shell metacharacters as one literal argument', () => {
    const hostile = { id: '$(rm -rf ~); echo', start: '2022-04-16', end: '2022-06-17' };
    expect(substituteArgv(['--window', '{window}'], hostile)).toEqual([
      '--window',
      '$(rm -rf ~); echo',
    ]);
  });

  it('leaves unknown placeholders alone and fills extra ones', () => {
    expect(
      substituteArgv(['{dates}', '{nope}'], window, { dates: '2022-04-16,2022-04-18' }),
    ).toEqual(['2022-04-16,2022-04-18', '{nope}']);
  });
});
