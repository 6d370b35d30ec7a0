import { EventEmitter } from 'node:events';

/**
 * A terminal for UI tests: it takes the screen writer's output (absolute row moves, row text,
 * erase, clear, synchronized-update marks) and keeps the screen as rows of text, so a test
 * reads what the operator would see, pane rows painted outside Ink included. SGR colour
 * codes are kept in the row text; anything else unexpected fails the test.
 */
export class VirtualTerminal extends EventEmitter {
  readonly isTTY = true;
  lines: string[] = [];
  writes = 0;
  private row = 0;

  constructor(
    public columns = 100,
    public rows = 24,
  ) {
    super();
  }

  write = (data: string | Uint8Array): boolean => {
    const text = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
    this.writes++;
    // eslint-disable-next-line no-control-regex
    const token = /\u001b\[([?\d;]*)([A-Za-z])|([^\u001b]+)/gy;
    let match: RegExpExecArray | null;
    let consumed = 0;
    while ((match = token.exec(text)) !== null) {
      consumed = token.lastIndex;
      const [, params = '', command, plain] = match;
      if (plain !== undefined) {
        this.lines[this.row] = (this.lines[this.row] ?? '') + plain;
        continue;
      }
      if (command === 'H') {
        const [row, column] = params.split(';');
        if ((column || '1') !== '1') throw new Error(`unexpected cursor move to column ${column}`);
        this.row = Number(row || 1) - 1;
        this.lines[this.row] = '';
      } else if (command === 'J' && params === '2') this.lines = [];
      else if (command === 'm') this.lines[this.row] = (this.lines[this.row] ?? '') + match[0];
      else if (command === 'K' || (params.startsWith('?') && (command === 'h' || command === 'l')))
        continue;
      else throw new Error(`unexpected escape sequence ${JSON.stringify(match[0])}`);
    }
    if (consumed !== text.length)
      throw new Error(`unparsed output ${JSON.stringify(text.slice(consumed, consumed + 20))}`);
    return true;
  };

  /** The screen as the operator sees it; each row without its trailing blanks and resets. */
  screen = (): string =>
    Array.from({ length: this.lines.length }, (_, i) =>
      // eslint-disable-next-line no-control-regex
      (this.lines[i] ?? '').replace(/(?:\u001b\[0m|\s)+$/, ''),
    ).join('\n');

  resize(columns: number, rows: number) {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}
