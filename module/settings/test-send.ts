/** "Send test": one sample event sent now to a webhook, outside the outbox, answered in plain words. */
import type { EventName } from '../../sdk/events.js';
import { knownEventNames } from '../events/index.js';
import type { Locale } from '../../sdk/module-context.js';
import type { MessageBody } from '../rendering/types.js';
import type { Webhook } from '../webhooks/webhook.js';
import { describeSendResult } from './send-result-words.js';
import type { SettingsDeps } from './settings-deps.js';

export interface TestAnswer {
  ok: boolean;
  message: string;
  event: EventName;
  outcome: string;
  statusCode: number | null;
  durationMs: number;
}

/** Sends a sample of `event` to `webhook` now; a saved webhook's test is written to the audit trail. */
export async function sendTest(
  deps: SettingsDeps,
  webhook: Webhook,
  event: EventName | undefined,
  actor: string,
  locale: Locale,
): Promise<TestAnswer> {
  const answer = await sendSample(deps, webhook, event, locale);
  if (webhook.id > 0)
    await deps.audit.write(actor, 'webhook.test', webhook.id, {
      name: webhook.name,
      event: answer.event,
      ok: answer.ok,
      statusCode: answer.statusCode,
    });
  return answer;
}

async function sendSample(deps: SettingsDeps, webhook: Webhook, event: EventName | undefined, locale: Locale): Promise<TestAnswer> {
  const chosen = event ?? webhook.events[0] ?? knownEventNames()[0];
  const template = deps.rendering.templateFor(webhook, chosen, locale);
  // Dated now by the host's clock: the message is sent now, and Discord shows the embed's
  // timestamp (a signed JSON body carries it next to its webhook-timestamp header).
  const body = deps.rendering.preview(template, chosen, webhook.platform, locale, webhook.options, deps.clock.now());
  // Nothing to send to when the URL (or the secret that signs it) opens with no key of the host.
  const answer = webhook.unreadable?.length
    ? failed(deps.i18n.t('settings.test.unreadable', {}, locale), chosen, 'dead')
    : await sendNow(deps, webhook, body, chosen, locale);
  return answer;
}

async function sendNow(deps: SettingsDeps, webhook: Webhook, body: MessageBody, chosen: EventName, locale: Locale): Promise<TestAnswer> {
  try {
    const result = await deps.sender.send(webhook, body);
    const plain = describeSendResult(webhook.platform, result, deps.i18n.t.bind(deps.i18n), locale);
    return { ...plain, event: chosen, outcome: result.outcome, statusCode: result.statusCode, durationMs: result.durationMs };
  } catch (err) {
    // The sender classifies errors itself; this is the belt for a bug there. Message only: never the URL.
    deps.logger.warn('webhooks: test send failed unexpectedly', { webhookId: webhook.id, urlHint: webhook.urlHint });
    void err;
    return failed(deps.i18n.t('settings.test.unreachable', { platform: webhook.platform }, locale), chosen, 'retry');
  }
}

const failed = (message: string, event: EventName, outcome: string): TestAnswer => ({
  ok: false,
  message,
  event,
  outcome,
  statusCode: null,
  durationMs: 0,
});
