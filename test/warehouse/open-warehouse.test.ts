import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openWarehouse } from '../../src/warehouse/warehouse.js';
import type { Warehouse } from '../../src/warehouse/warehouse.js';

describe('openWarehouse', () => {
  const opened: Warehouse[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((w) => w.close()));
  });

  it('opens the adapter the config names', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'warehouse-open-'));
    try {
      const sqlite = openWarehouse({ kind: 'sqlite', path: folder });
      opened.push(sqlite);
      expect(sqlite).toMatchObject({ kind: 'sqlite', description: `sqlite ${folder}` });
      expect(
        await sqlite.queryDates('SELECT @end', { start: '2022-04-16', end: '2022-04-18' }),
      ).toEqual(['2022-04-18']);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
    // No query is sent, so nothing reaches Google.
    const bigquery = openWarehouse({
      kind: 'bigquery',
      projectId: 'nba-props-platform',
      location: 'us-west2',
    });
    opened.push(bigquery);
    expect(bigquery).toMatchObject({
      kind: 'bigquery',
      description: 'bigquery nba-props-platform (us-west2)',
    });
  });
});
