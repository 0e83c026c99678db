/**
 * A Discord-like execute-webhook target for the burst benchmark, built on the demo inbox's
 * DiscordReceiver (5 requests per 2 s per webhook, X-RateLimit headers, 429 with retry_after):
 * it records, in arrival order, every accepted request's body and every 429.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DiscordReceiver } from '../../host/inbox/discord-receiver.js';
import { InboxStore } from '../../host/inbox/inbox-store.js';

export interface Arrival {
  at: number;
  body: unknown;
}

export interface DiscordLikeTarget {
  /** Execute-webhook URL for a webhook id (a 17-20 digit snowflake). */
  webhookUrl(id: string): string;
  accepted(id: string): Arrival[];
  rateLimited(id: string): number;
  otherStatuses(id: string): number[];
  close(): Promise<void>;
}

export async function startDiscordLikeTarget(): Promise<DiscordLikeTarget> {
  const receiver = new DiscordReceiver(new InboxStore(10));
  const accepted = new Map<string, Arrival[]>();
  const limited = new Map<string, number>();
  const other = new Map<string, number[]>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const id = /\/webhooks\/(\d+)\//.exec(url.pathname)?.[1] ?? '?';
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = null;
      }
      const answer = receiver.receive(id, url.searchParams.get('wait') === 'true', body);
      if (answer.status === 429) limited.set(id, (limited.get(id) ?? 0) + 1);
      else if (answer.status < 300) accepted.set(id, [...(accepted.get(id) ?? []), { at: performance.now(), body }]);
      else other.set(id, [...(other.get(id) ?? []), answer.status]);
      res.writeHead(answer.status, { ...answer.headers, ...(answer.body === null ? {} : { 'content-type': 'application/json' }) });
      res.end(answer.body === null ? undefined : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    webhookUrl: (id) => `http://127.0.0.1:${port}/api/webhooks/${id}/bench-token`,
    accepted: (id) => accepted.get(id) ?? [],
    rateLimited: (id) => limited.get(id) ?? 0,
    otherStatuses: (id) => other.get(id) ?? [],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
