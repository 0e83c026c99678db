/**
 * Generic JSON: `{type, timestamp, data: {...variables, message, payload}}`. `data` holds every
 * variable of the event by its canonical name (plain text, not shortened), `message` the template
 * rendered as plain text, and `payload` the validated event as the host sent it. The Standard
 * Webhooks signature is added at send time by the delivery code (see sign-standard-webhook.ts).
 */
import type { FormatContext, Formatted } from '../format-context.js';
import { plainDialect } from '../../text/plain-dialect.js';
import { renderText } from '../../text/template.js';
import { definitionOf } from '../../events/index.js';

export function formatJson(ctx: FormatContext): Formatted {
  const data: Record<string, unknown> = {};
  for (const { name } of definitionOf(ctx.event).variables.filter((v) => !v.legacy)) data[name] = ctx.vars[name]?.text ?? '';
  const message = renderText(ctx.template, ctx.vars, plainDialect) || ctx.fallbackText;
  data.message = message;
  data.payload = ctx.payload;
  return { body: { type: ctx.event, timestamp: ctx.payload.occurredAt, data }, text: message };
}
