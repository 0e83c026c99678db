/**
 * The baseline the host-overhead benchmark compares against: what the earlier PHP modules did.
 * Inside the event handler, for each configured webhook in turn, POST the message and wait for
 * the answer (PHP's curl_exec is blocking and sequential), with no timeout and no retry, and
 * swallow any error. The host's emitAsync therefore waits for every target.
 */
import got from 'got';
import type { EventEmitter2 } from 'eventemitter2';
import type { OrderPaidPayload } from '../../sdk/events.js';

export function phpStyleListener(urls: readonly string[]): (payload: OrderPaidPayload) => Promise<void> {
  return async (payload) => {
    const content = `:pushpin: Nouvelle commande n° ${payload.order.id}\n**Prix :** ${payload.order.total} ${payload.order.currency}`;
    for (const url of urls) {
      try {
        await got.post(url, { json: { content }, retry: { limit: 0 }, followRedirect: false, throwHttpErrors: false });
      } catch {
        // The PHP modules swallowed every error; so does the baseline.
      }
    }
  };
}

export function attachPhpStyleListener(bus: EventEmitter2, urls: readonly string[]): () => void {
  const listener = phpStyleListener(urls);
  bus.on('order.paid', listener);
  return () => bus.off('order.paid', listener);
}
