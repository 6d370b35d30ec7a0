/**
 * A stand-in for the prediction coordinator on 127.0.0.1 (see the notes' "prediction coordinator"
 * section). Each test scripts /start and /status and asserts on the recorded requests.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type CoordinatorRequest = {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Parsed JSON when the body was JSON, else the raw text ('' for none). */
  body: unknown;
  /** Set once the server has answered (undefined while held or never answered). */
  answeredStatus?: number;
};

/** A JSON reply, a raw text reply, or 'hang': hold the request open until the client gives up. */
export type ScriptedReply = { status: number; json?: unknown; text?: string } | 'hang';
export type CoordinatorHandler = (
  request: CoordinatorRequest,
) => ScriptedReply | Promise<ScriptedReply>;

export type CoordinatorLoopback = {
  /** Base url, e.g. 'http://127.0.0.1:40123'. */
  url: string;
  /** Every request in arrival order, /start, /status and anything else. */
  requests: CoordinatorRequest[];
  onStart(handler: CoordinatorHandler): void;
  onStatus(handler: CoordinatorHandler): void;
  close(): Promise<void>;
};

const notScripted: CoordinatorHandler = () => ({ status: 500, json: { error: 'not scripted' } });

export const startCoordinatorLoopback = async (): Promise<CoordinatorLoopback> => {
  let startHandler = notScripted;
  let statusHandler = notScripted;
  const requests: CoordinatorRequest[] = [];
  const held = new Set<ServerResponse>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = raw;
      try {
        body = JSON.parse(raw);
      } catch {
        // not JSON: keep the text
      }
      const request: CoordinatorRequest = {
        method: req.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body,
      };
      requests.push(request);
      const unknownPath: CoordinatorHandler = () => ({
        status: 404,
        text: `Cannot ${req.method} ${url.pathname}`,
      });
      const handler = url.pathname.endsWith('/start')
        ? startHandler
        : url.pathname.endsWith('/status')
          ? statusHandler
          : unknownPath;
      void Promise.resolve(handler(request)).then(
        (reply) => {
          if (reply === 'hang') {
            held.add(res);
            res.on('close', () => held.delete(res));
            return;
          }
          request.answeredStatus = reply.status;
          const payload =
            reply.json !== undefined ? JSON.stringify(reply.json) : (reply.text ?? '');
          res.writeHead(reply.status, {
            'content-type': reply.json !== undefined ? 'application/json' : 'text/plain',
          });
          res.end(payload);
        },
        (error: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`handler threw: ${String(error)}`);
        },
      );
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    onStart(handler) {
      startHandler = handler;
    },
    onStatus(handler) {
      statusHandler = handler;
    },
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

/** A nested-shape /status reply, as the coordinator's ProgressTracker reports it. */
export const nestedStatus = (
  batchId: string,
  completed: number,
  expected: number,
  extra: { failed?: number; etaSeconds?: number; stalled?: boolean; complete?: boolean } = {},
): ScriptedReply => {
  const complete = extra.complete ?? completed + (extra.failed ?? 0) >= expected;
  return {
    status: 200,
    json: {
      status: complete ? 'complete' : 'in_progress',
      batch_id: batchId,
      progress: {
        expected,
        completed,
        failed: extra.failed ?? 0,
        remaining: expected - completed,
        is_complete: complete,
        eta_seconds: extra.etaSeconds ?? null,
        progress_percentage: Math.round((completed / expected) * 1000) / 10,
      },
      is_stalled: extra.stalled ?? false,
    },
  };
};

/** Answers the given replies in order, then repeats the last one. */
export const inTurn = (...replies: ScriptedReply[]): CoordinatorHandler => {
  let next = 0;
  return () => replies[Math.min(next++, replies.length - 1)] ?? 'hang';
};
