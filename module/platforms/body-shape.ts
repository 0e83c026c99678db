/** Small checks on request bodies that more than one platform's coalescing needs. */
import type { MessageBody } from '../text/var-value.js';

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Everything except the mergeable parts must be identical for two bodies to share a request. */
export function sameSettings(a: MessageBody, b: MessageBody, mergeable: string[]): boolean {
  const rest = (body: MessageBody) =>
    JSON.stringify(
      Object.keys(body)
        .filter((k) => !mergeable.includes(k))
        .sort()
        .map((k) => [k, body[k]]),
    );
  return rest(a) === rest(b);
}
