/**
 * Routes a module mounts outside the admin, for callers that are not a signed-in admin (a chat
 * platform calling back with a signed request). The host mounts them under `/hooks/<uuid>/`,
 * marks them public, limits the body and the rate per address, and hands the handler the raw
 * body, untouched, so it can check a signature over it: the handler decides who the caller is,
 * before anything else.
 */

export interface PublicRequest {
  method: 'POST';
  /** Path relative to the module's prefix, e.g. `/discord/interactions`. */
  path: string;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
  /** The caller's address (behind a trusted proxy, the forwarded one). */
  ip: string;
}

export interface PublicResponse {
  status?: number;
  /** Sent as application/json. */
  json?: unknown;
  /** Sent as text/plain when there is no `json`. */
  text?: string;
  headers?: Record<string, string>;
}

export type PublicHandler = (req: PublicRequest) => Promise<PublicResponse> | PublicResponse;

export interface PublicRouteOptions {
  /** Largest body accepted, in bytes (default 64 KiB, at most 1 MiB); larger answers 413. */
  bodyLimit?: number;
  /** Requests per address per window (default 120 a minute); past it 429 with Retry-After. */
  rateLimit?: { max: number; windowMs: number };
}

export interface PublicRouter {
  /** e.g. `/hooks/webhooks` */
  readonly basePath: string;
  post(path: string, handler: PublicHandler, opts?: PublicRouteOptions): void;
}
