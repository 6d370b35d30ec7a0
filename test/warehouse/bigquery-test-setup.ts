import net from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, expect, vi } from 'vitest';
import { startBigQueryLoopback } from '../support/bigquery-loopback.js';
import type { BigQueryLoopback } from '../support/bigquery-loopback.js';
import { openBigQueryWarehouse } from '../../src/warehouse/bigquery-warehouse.js';
import type { BigQueryConfig } from '../../src/warehouse/bigquery-warehouse.js';
import type { Warehouse } from '../../src/warehouse/warehouse.js';

// Every TCP connection made from this test file goes through Socket#connect, Google's included.
const connectSpy = vi.spyOn(net.Socket.prototype, 'connect');

/** Hosts of every TCP connection opened from this test file so far. */
export const connectedHosts = (): string[] => connectSpy.mock.calls.map((args) => hostOf(args));

const hostOf = (args: unknown[]): string => {
  // net.connect() passes [options, callback] pre-normalised; sockets may also get (port, host).
  const first: unknown = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  if (typeof first === 'number') return typeof args[1] === 'string' ? args[1] : 'localhost';
  if (typeof first === 'object' && first !== null) {
    const { host, path } = first as { host?: string; path?: string };
    return path ? `unix:${path}` : (host ?? 'localhost');
  }
  return `unix:${String(first)}`;
};

/**
 * A loopback server and a warehouse on it per test, with the environment cleared of anything that
 * could send the client elsewhere, and every outgoing connection recorded.
 */
export const useBigQueryLoopback = () => {
  const context = { loopback: undefined as unknown as BigQueryLoopback };
  const opened: Warehouse[] = [];

  beforeAll(() => {
    // Keeps google-auth-library from probing the GCE metadata server (169.254.169.254).
    vi.stubEnv('METADATA_SERVER_DETECTION', 'none');
    // Would override apiEndpoint; FAST_QUERY_PATH=DISABLED would switch to jobs.insert.
    vi.stubEnv('BIGQUERY_EMULATOR_HOST', undefined);
    vi.stubEnv('FAST_QUERY_PATH', undefined);
    vi.stubEnv('GOOGLE_APPLICATION_CREDENTIALS', undefined);
    // The client honours proxy variables even for 127.0.0.1 unless NO_PROXY says otherwise.
    for (const name of ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy'])
      vi.stubEnv(name, undefined);
  });
  afterAll(() => {
    vi.unstubAllEnvs();
  });
  beforeEach(async () => {
    context.loopback = await startBigQueryLoopback();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((w) => w.close()));
    await context.loopback.close();
    expect(connectedHosts().filter((host) => host !== '127.0.0.1')).toEqual([]);
  });

  return {
    get loopback(): BigQueryLoopback {
      return context.loopback;
    },
    open: (config: Partial<BigQueryConfig> = {}): Warehouse => {
      const warehouse = openBigQueryWarehouse({
        kind: 'bigquery',
        projectId: 'nba-props-platform',
        location: 'us-west2',
        apiEndpoint: context.loopback.endpoint,
        anonymous: true,
        ...config,
      });
      opened.push(warehouse);
      return warehouse;
    },
  };
};
