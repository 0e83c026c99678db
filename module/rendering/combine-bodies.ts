/**
 * Coalescing for the dispatcher: consecutive queued bodies of one webhook packed, in order, into
 * as few requests as the platform allows. Every combined body passes the platform's limit checks;
 * a body that cannot be merged (unknown shape, other username, other thread) starts a new request.
 *
 * Each platform's definition says how two of its bodies merge (`coalesce`); a platform without
 * one gets one request per body.
 */
import { platformOf } from '../platforms/index.js';
import { isObject } from '../platforms/body-shape.js';
import type { Platform } from '../webhooks/webhook.js';
import type { CombinedBody, MessageBody } from './types.js';

export function combineBodies(platform: Platform, bodies: MessageBody[]): CombinedBody[] {
  const merge = platformOf(platform).coalesce;
  const out: CombinedBody[] = [];
  for (const body of bodies) {
    const last = out[out.length - 1];
    let merged: MessageBody | null = null;
    if (merge && last && isObject(body)) {
      try {
        merged = merge(last.body, body);
      } catch {
        merged = null;
      }
    }
    if (merged) out[out.length - 1] = { body: merged, count: last.count + 1 };
    else out.push({ body, count: 1 });
  }
  return out;
}
