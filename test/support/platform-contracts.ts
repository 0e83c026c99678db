/**
 * The platforms' published contracts, as checks on one request: each returns the broken rules as
 * `{kind, detail}`, so a test can count failures by kind. Written from the specifications in
 * test/fixtures/specs (validated with ajv) and the platforms' documentation, never from the
 * module's own limit code (module/rendering/limits.ts), so they test our reading of the contract.
 *
 *  - Discord: the OpenAPI request body and query parameters of execute_webhook and of
 *    edit_webhook_message (discordEditViolations), each query value read as its declared type,
 *    the documented limits (message.mdx, webhook.mdx), one `url` per embed in a message (Discord
 *    deduplicates embeds by URL), never `thread_id` with `thread_name`.
 *  - Teams: the attachment's `content` against the Adaptive Card 1.4 and 1.5 schemas (`msteams`,
 *    a host extension, exempted as the schema README says), 28 KB per request.
 *  - Slack (and Mattermost, Rocket.Chat): text escaping (only `&`, `<`, `>` as entities, every `&`
 *    starting one), Block Kit section limits (3000 per text, 50 blocks) and a block total well
 *    under the ~13,000 characters past which Slack answers `msg_blocks_too_long`.
 *  - Telegram: HTML (only the supported tags, balanced, `&` only as an entity) or MarkdownV2
 *    (every special character escaped outside an entity), 4096 characters after parsing.
 *  - Standard Webhooks: `webhook-id` of `[A-Za-z0-9_-]`, an integer timestamp, a `v1,` signature
 *    that an HMAC-SHA256 computed here from the spec's text verifies.
 *  - Everywhere: every string well-formed UTF-16 (no lone surrogate, which is not UTF-8).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Ajv as AjvClass, ValidateFunction } from 'ajv';

export interface Violation {
  kind: string;
  detail: string;
}

const here = path.dirname(new URL(import.meta.url).pathname);
/**
 * The published specifications, copied into the repository (test/fixtures/specs, each with its
 * licence and source commit in its README) so the tests run on any clone.
 */
export const specsDir = path.resolve(here, '../fixtures/specs');
const readJson = (file: string): Record<string, unknown> => JSON.parse(readFileSync(path.join(specsDir, file), 'utf8'));

// ajv ships CommonJS: loaded through require so its default exports need no interop guessing.
const require = createRequire(import.meta.url);
type AjvCtor = new (opts: Record<string, unknown>) => AjvClass;
const Ajv2020 = (require('ajv/dist/2020') as { default: AjvCtor }).default;
const Ajv = (require('ajv') as { default: AjvCtor }).default;
const addFormats = (require('ajv-formats') as { default: (ajv: AjvClass) => void }).default;
const draft06 = require('ajv/dist/refs/json-schema-draft-06.json') as Record<string, unknown>;

interface DiscordValidators {
  body: ValidateFunction;
  snowflake: ValidateFunction;
  /** The request body of edit_webhook_message (PATCH …/messages/{message_id}). */
  editBody: ValidateFunction;
  /** An interaction's answer (the body of create_interaction_response: PONG, a message, a modal…). */
  callback: ValidateFunction;
  /** Each operation's query parameters, as the spec declares them (name -> schema). */
  executeQuery: Map<string, ValidateFunction>;
  editQuery: Map<string, ValidateFunction>;
}

let discordValidators: DiscordValidators | null = null;
function discordSchemas(): DiscordValidators {
  if (discordValidators) return discordValidators;
  // OpenAPI 3.1 schemas are JSON Schema 2020-12; its own keywords (x-discord-*) are ignored.
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addFormat('snowflake', /^(0|[1-9][0-9]*)$/);
  for (const f of ['int32', 'int64', 'double', 'nonce']) ajv.addFormat(f, true);
  const spec = readJson('discord-api-spec/openapi.json');
  ajv.addSchema(spec, 'discord');
  type Op = { parameters?: { name: string; in: string; schema: Record<string, unknown> }[] };
  const paths = spec.paths as Record<string, Record<string, Op>>;
  const execute = paths['/webhooks/{webhook_id}/{webhook_token}'].post;
  const edit = paths['/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}'].patch;
  if (!execute.parameters?.some((p) => p.name === 'thread_id')) throw new Error('execute_webhook has no thread_id parameter in the spec');
  if (!edit.parameters?.some((p) => p.name === 'thread_id')) throw new Error('edit_webhook_message has no thread_id parameter in the spec');
  // A parameter's schema may $ref the spec's components: compiled against the loaded spec.
  const queryOf = (op: Op) =>
    new Map((op.parameters ?? []).filter((p) => p.in === 'query').map((p) => [p.name, ajv.compile(rebase(p.schema))] as const));
  discordValidators = {
    // The request body of execute_webhook (anyOf IncomingWebhookRequestPartial / UpdateRequestPartial).
    body: ajv.compile({
      $ref: 'discord#/paths/~1webhooks~1{webhook_id}~1{webhook_token}/post/requestBody/content/application~1json/schema',
    }),
    editBody: ajv.compile({
      $ref: 'discord#/paths/~1webhooks~1{webhook_id}~1{webhook_token}~1messages~1{message_id}/patch/requestBody/content/application~1json/schema',
    }),
    callback: ajv.compile({
      $ref: 'discord#/paths/~1interactions~1{interaction_id}~1{interaction_token}~1callback/post/requestBody/content/application~1json/schema',
    }),
    snowflake: ajv.compile({ $ref: 'discord#/components/schemas/SnowflakeType' }),
    executeQuery: queryOf(execute),
    editQuery: queryOf(edit),
  };
  return discordValidators;
}

/** A parameter schema taken out of the spec: its local `#/…` refs point into the loaded spec. */
function rebase(schema: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#\//g, '"$ref":"discord#/')) as Record<string, unknown>;
}

/**
 * A query string's values against the operation's declared parameters: every name declared, each
 * value valid once read as the spec's type (`wait=true` is the boolean true).
 */
function queryViolations(params: Map<string, ValidateFunction>, query: Record<string, string>, op: string): Violation[] {
  const v: Violation[] = [];
  for (const [name, raw] of Object.entries(query)) {
    const validate = params.get(name);
    if (!validate) {
      v.push({ kind: `discord: ${op} query parameter not in the spec`, detail: name });
      continue;
    }
    const value = raw === 'true' ? true : raw === 'false' ? false : raw;
    if (!validate(value)) v.push({ kind: `discord: ${op} query ${name}`, detail: `${raw}: ${ajvErrors(validate)}` });
  }
  return v;
}

/** An edit of a webhook's message (PATCH /webhooks/{id}/{token}/messages/{message_id}): body and query against the spec. */
export function discordEditViolations(body: Record<string, unknown>, query: Record<string, string> = {}): Violation[] {
  const v: Violation[] = [...lonelySurrogates(body)];
  const { editBody, editQuery } = discordSchemas();
  if (!editBody(body)) v.push({ kind: 'discord: OpenAPI edit request body', detail: ajvErrors(editBody) });
  v.push(...queryViolations(editQuery, query, 'edit'));
  const am = body.allowed_mentions as { parse?: unknown[] } | undefined;
  if (!am || !Array.isArray(am.parse) || am.parse.length)
    v.push({ kind: 'discord: allowed_mentions must parse nothing', detail: JSON.stringify(am) });
  return v;
}

/** An answer to a Discord interaction against the spec's create_interaction_response body. */
export function discordCallbackViolations(body: Record<string, unknown>): Violation[] {
  const v: Violation[] = [...lonelySurrogates(body)];
  const { callback } = discordSchemas();
  if (!callback(body)) v.push({ kind: 'discord: OpenAPI interaction callback body', detail: ajvErrors(callback) });
  return v;
}

const cardValidators = new Map<string, ValidateFunction>();
function adaptiveCardSchema(version: '1.4' | '1.5'): ValidateFunction {
  const hit = cardValidators.get(version);
  if (hit) return hit;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  ajv.addMetaSchema(draft06);
  addFormats(ajv);
  const schema = readJson(`adaptive-cards/adaptive-card-${version}.0.json`);
  // Draft-06 names the schema's id `$id`; the published file still spells it `id`.
  const { id: _id, ...rest } = schema;
  void _id;
  const validate = ajv.compile(rest);
  cardValidators.set(version, validate);
  return validate;
}

const ajvErrors = (v: ValidateFunction): string =>
  (v.errors ?? [])
    .slice(0, 4)
    .map((e) => `${e.instancePath || '/'} ${e.message}`)
    .join('; ');

/** Every string inside `value` (keys too) that is not well-formed UTF-16. */
export function lonelySurrogates(value: unknown): Violation[] {
  const out: Violation[] = [];
  const visit = (v: unknown, at: string): void => {
    if (typeof v === 'string') {
      if (/\p{Cs}/u.test(v)) out.push({ kind: 'lone surrogate (not UTF-8)', detail: at });
    } else if (Array.isArray(v)) v.forEach((x, i) => visit(x, `${at}[${i}]`));
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        if (/\p{Cs}/u.test(k)) out.push({ kind: 'lone surrogate (not UTF-8)', detail: `${at} key` });
        visit(x, `${at}.${k}`);
      }
  };
  visit(value, '$');
  return out;
}

// ---------------------------------------------------------------- Discord

/** Documented limits (developer docs, message.mdx / webhook.mdx / embed limits). */
const D = {
  content: 2000,
  embeds: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  total: 6000,
};

interface Embed {
  url?: string;
  title?: string;
  description?: string;
  fields?: { name: string; value: string }[];
  footer?: { text: string };
  author?: { name: string };
}

export function discordViolations(body: Record<string, unknown>, query: Record<string, string> = {}): Violation[] {
  const v: Violation[] = [...lonelySurrogates(body)];
  const { body: schema, snowflake, executeQuery } = discordSchemas();
  if (!schema(body)) v.push({ kind: 'discord: OpenAPI request body', detail: ajvErrors(schema) });
  v.push(...queryViolations(executeQuery, query, 'execute'));
  if (query.thread_id !== undefined && !snowflake(query.thread_id))
    v.push({ kind: 'discord: thread_id not a SnowflakeType', detail: query.thread_id });
  if (query.thread_id !== undefined && body.thread_name !== undefined)
    v.push({ kind: 'discord: thread_id with thread_name', detail: String(body.thread_name) });
  const content = typeof body.content === 'string' ? body.content : '';
  const embeds = (Array.isArray(body.embeds) ? body.embeds : []) as Embed[];
  if (!content.trim() && embeds.length === 0) v.push({ kind: 'discord: empty message', detail: '' });
  if ([...content].length > D.content) v.push({ kind: 'discord: limits', detail: `content ${content.length}` });
  if (embeds.length > D.embeds) v.push({ kind: 'discord: limits', detail: `${embeds.length} embeds` });
  let total = 0;
  const urls = new Set<string>();
  for (const e of embeds) {
    const len = (s: string | undefined) => [...(s ?? '')].length;
    if (len(e.title) > D.title || len(e.description) > D.description || len(e.footer?.text) > D.footer || len(e.author?.name) > D.author)
      v.push({ kind: 'discord: limits', detail: 'embed part too long' });
    if ((e.fields ?? []).length > D.fields) v.push({ kind: 'discord: limits', detail: 'too many fields' });
    for (const f of e.fields ?? [])
      if (!f.name.trim() || !f.value.trim() || len(f.name) > D.fieldName || len(f.value) > D.fieldValue)
        v.push({ kind: 'discord: limits', detail: 'field empty or too long' });
    total += len(e.title) + len(e.description) + len(e.footer?.text) + len(e.author?.name);
    total += (e.fields ?? []).reduce((n, f) => n + len(f.name) + len(f.value), 0);
    if (e.url !== undefined) {
      if (urls.has(e.url)) v.push({ kind: 'discord: two embeds with one url (only the first is shown)', detail: e.url });
      urls.add(e.url);
    }
  }
  if (total > D.total) v.push({ kind: 'discord: limits', detail: `embed text ${total}` });
  if (typeof body.username === 'string') {
    const visible = body.username.replace(/[\s\u200B-\u200D\u2060\uFEFF]/g, '');
    if (!visible || /discord|clyde/i.test(body.username))
      v.push({ kind: 'discord: username refused', detail: JSON.stringify(body.username) });
  }
  const am = body.allowed_mentions as { parse?: unknown[] } | undefined;
  if (!am || !Array.isArray(am.parse) || am.parse.length)
    v.push({ kind: 'discord: allowed_mentions must parse nothing', detail: JSON.stringify(am) });
  v.push(...discordComponentViolations(body.components));
  // "If you are sending components as part of a webhook you'll need to use the
  // ?with_components=true query param otherwise they'll be ignored" (components/using-message-components).
  if (body.components !== undefined && query.with_components !== 'true')
    v.push({ kind: 'discord: components without ?with_components=true (ignored)', detail: '' });
  return v;
}

/**
 * Rules of message components the OpenAPI body does not spell (components reference): custom_ids
 * unique within a message, a button with a custom_id has no url, at most 5 action rows (legacy
 * components), a label or an emoji on every button.
 */
export function discordComponentViolations(components: unknown): Violation[] {
  const v: Violation[] = [];
  if (components === undefined) return v;
  if (!Array.isArray(components) || components.length > 5) return [{ kind: 'discord: components (at most 5 action rows)', detail: '' }];
  const ids = new Set<string>();
  for (const row of components as { type?: unknown; components?: Record<string, unknown>[] }[])
    for (const c of row?.components ?? []) {
      if (typeof c.custom_id === 'string') {
        if (ids.has(c.custom_id)) v.push({ kind: 'discord: custom_id repeated in a message', detail: c.custom_id });
        ids.add(c.custom_id);
        if (c.url !== undefined) v.push({ kind: 'discord: button with custom_id and url', detail: c.custom_id });
      }
      if (c.type === 2 && !c.label && !c.emoji) v.push({ kind: 'discord: button without label or emoji', detail: '' });
    }
  return v;
}

// ---------------------------------------------------------------- Teams

const TEAMS_BYTES = 28 * 1024;

export function teamsViolations(body: Record<string, unknown>): Violation[] {
  const v: Violation[] = [...lonelySurrogates(body)];
  if (Buffer.byteLength(JSON.stringify(body)) > TEAMS_BYTES) v.push({ kind: 'teams: over 28 KB', detail: '' });
  const attachments = body.attachments as { contentType?: string; content?: Record<string, unknown> }[] | undefined;
  if (body.type !== 'message' || !Array.isArray(attachments) || attachments.length !== 1) {
    v.push({ kind: 'teams: message envelope', detail: JSON.stringify(body).slice(0, 100) });
    return v;
  }
  const a = attachments[0];
  if (a.contentType !== 'application/vnd.microsoft.card.adaptive' || !a.content) {
    v.push({ kind: 'teams: message envelope', detail: String(a.contentType) });
    return v;
  }
  // `msteams` is Teams' own extension of the card; the schema README says to exempt host extensions.
  const { msteams: _msteams, ...card } = a.content;
  void _msteams;
  for (const version of ['1.4', '1.5'] as const) {
    const validate = adaptiveCardSchema(version);
    if (!validate(card)) v.push({ kind: `teams: Adaptive Card ${version} schema`, detail: ajvErrors(validate) });
  }
  for (const action of (card.actions ?? []) as { url?: string }[])
    if (action.url !== undefined && !isAsciiUri(action.url)) v.push({ kind: 'teams: Action.OpenUrl url not a URI', detail: action.url });
  return v;
}

/** RFC 3986: a URI is ASCII; anything else must be percent-encoded. */
export const isAsciiUri = (s: string): boolean => /^[A-Za-z][A-Za-z0-9+.-]*:[\x21-\x7E]*$/.test(s) && !/[<>"{}|\\^`]/.test(s);

// ---------------------------------------------------------------- Slack-like

/** Characters past which Slack answers msg_blocks_too_long (~13,000, reported by users); kept well under. */
export const SLACK_BLOCKS_TOTAL = 12_000;
const SLACK_TEXT = { slack: 40_000, mattermost: 16_383, rocketchat: 5000 } as const;

/** Slack mrkdwn: `&` only in `&amp;` `&lt;` `&gt;`, `<` only opening a `<…>` control sequence closed on the line. */
function slackEscapingProblems(text: string): string | null {
  if (/&(?!amp;|lt;|gt;)/.test(text)) return 'bare & or a cut entity';
  const rest = text.replace(/<[^<>\n]*>/g, '');
  if (/[<>]/.test(rest)) return 'unescaped < or >';
  return null;
}

export function slackLikeViolations(platform: 'slack' | 'mattermost' | 'rocketchat', body: Record<string, unknown>): Violation[] {
  const v: Violation[] = [...lonelySurrogates(body)];
  const text = typeof body.text === 'string' ? body.text : '';
  if (!text.trim()) v.push({ kind: `${platform}: empty text`, detail: '' });
  if (text.length > SLACK_TEXT[platform]) v.push({ kind: `${platform}: text too long`, detail: String(text.length) });
  if (platform === 'slack') {
    const bad = slackEscapingProblems(text);
    if (bad) v.push({ kind: 'slack: text escaping', detail: bad });
  }
  if (body.blocks !== undefined) {
    const blocks = body.blocks as { type?: string; text?: { type?: string; text?: string } }[];
    if (!Array.isArray(blocks) || blocks.length > 50) v.push({ kind: `${platform}: more than 50 blocks`, detail: '' });
    let total = 0;
    const blockIds = new Set<string>();
    for (const b of Array.isArray(blocks) ? blocks : []) {
      const id = (b as { block_id?: unknown }).block_id;
      if (id !== undefined) {
        if (typeof id !== 'string' || !id || id.length > 255 || blockIds.has(id))
          v.push({ kind: `${platform}: block_id (1-255, unique in the message)`, detail: String(id) });
        blockIds.add(String(id));
      }
      if (platform === 'slack' && b.type !== 'section') {
        v.push(...slackInteractiveBlockViolations(b as Record<string, unknown>));
        continue;
      }
      const t = b.text?.text ?? '';
      total += t.length;
      if (b.type !== 'section' || b.text?.type !== 'mrkdwn' || !t.trim() || t.length > 3000)
        v.push({ kind: `${platform}: section block (mrkdwn, 1-3000)`, detail: String(t.length) });
      const bad = slackEscapingProblems(t);
      if (bad) v.push({ kind: `${platform}: block split inside an entity or escape`, detail: `${bad}: …${t.slice(-8)}` });
    }
    if (total > SLACK_BLOCKS_TOTAL) v.push({ kind: `${platform}: blocks total over ${SLACK_BLOCKS_TOTAL}`, detail: String(total) });
  }
  return v;
}

/** A plain_text object of at most `max` characters (Block Kit composition objects). */
function plainTextProblem(o: unknown, max: number): string | null {
  const t = o as { type?: unknown; text?: unknown } | undefined;
  if (!t || t.type !== 'plain_text' || typeof t.text !== 'string' || !t.text.trim()) return 'not a non-empty plain_text';
  return t.text.length > max ? `plain_text ${t.text.length} > ${max}` : null;
}

/**
 * The interactive blocks of a ticket's message (Block Kit reference, as @slack/types documents
 * it): `actions` (at most 25 elements; a button's text plain_text <= 75, action_id <= 255 and
 * unique in the block, value <= 2000, style primary or danger), `input` (label plain_text <= 2000;
 * a plain_text_input with max_length <= 3000, its action_id <= 255), `context` (1-10 elements,
 * each text <= 3000). Any other block type is refused: the module sends no other.
 */
export function slackInteractiveBlockViolations(b: Record<string, unknown>): Violation[] {
  const v: Violation[] = [];
  const bad = (detail: string) => v.push({ kind: `slack: ${String(b.type)} block`, detail });
  const actionId = (id: unknown) => typeof id === 'string' && id.length > 0 && id.length <= 255;
  if (b.type === 'actions') {
    const els = b.elements as Record<string, unknown>[] | undefined;
    if (!Array.isArray(els) || !els.length || els.length > 25) return [{ kind: 'slack: actions block', detail: '1-25 elements' }];
    const ids = new Set<string>();
    for (const e of els) {
      if (e.type !== 'button') bad(`element ${String(e.type)}`);
      const text = plainTextProblem(e.text, 75);
      if (text) bad(`button text: ${text}`);
      if (!actionId(e.action_id) || ids.has(String(e.action_id))) bad(`action_id ${String(e.action_id)}`);
      ids.add(String(e.action_id));
      if (e.value !== undefined && (typeof e.value !== 'string' || e.value.length > 2000)) bad('value > 2000');
      if (e.style !== undefined && e.style !== 'primary' && e.style !== 'danger') bad(`style ${String(e.style)}`);
    }
  } else if (b.type === 'input') {
    const label = plainTextProblem(b.label, 2000);
    if (label) bad(`label: ${label}`);
    const e = b.element as Record<string, unknown> | undefined;
    if (!e || e.type !== 'plain_text_input' || !actionId(e.action_id)) bad('element is not a plain_text_input with an action_id');
    else if (e.max_length !== undefined && (typeof e.max_length !== 'number' || e.max_length > 3000 || e.max_length < 1))
      bad(`max_length ${String(e.max_length)}`);
    if (b.dispatch_action !== undefined && typeof b.dispatch_action !== 'boolean') bad('dispatch_action not a boolean');
  } else if (b.type === 'context') {
    const els = b.elements as unknown[] | undefined;
    if (!Array.isArray(els) || !els.length || els.length > 10) bad('1-10 elements');
    else for (const e of els) if (plainTextProblem(e, 3000)) bad(`element: ${plainTextProblem(e, 3000)}`);
  } else bad('a block type the module does not send');
  return v;
}

/**
 * A `views.open` modal (reference/surfaces/modals, @slack/types ModalView): title, submit and close
 * plain_text <= 24; callback_id <= 255; at most 100 blocks; submit required with an input block.
 */
export function slackModalViolations(view: Record<string, unknown>): Violation[] {
  const v: Violation[] = [...lonelySurrogates(view)];
  const bad = (detail: string) => v.push({ kind: 'slack: modal view', detail });
  if (view.type !== 'modal') bad('type is not modal');
  for (const k of ['title', 'submit', 'close']) {
    const p = plainTextProblem(view[k], 24);
    if (p && (k === 'title' || view[k] !== undefined)) bad(`${k}: ${p}`);
  }
  if (typeof view.callback_id !== 'string' || view.callback_id.length > 255) bad('callback_id');
  const blocks = view.blocks as Record<string, unknown>[] | undefined;
  if (!Array.isArray(blocks) || !blocks.length || blocks.length > 100) bad('1-100 blocks');
  else {
    for (const b of blocks) v.push(...slackInteractiveBlockViolations(b));
    if (blocks.some((b) => b.type === 'input') && view.submit === undefined) bad('an input block needs submit');
  }
  return v;
}

// ---------------------------------------------------------------- Telegram

const TELEGRAM_TAGS = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'code',
  'pre',
  'a',
  'tg-spoiler',
  'span',
  'blockquote',
  'tg-emoji',
]);
const MDV2_SPECIAL = /[_*[\]()~`>#+\-=|{}.!]/;

function telegramHtmlText(text: string): { visible: string; problem: string | null } {
  const stack: string[] = [];
  let visible = '';
  let problem: string | null = null;
  const re = /<(\/?)([a-z-]+)[^<>]*>|&(amp|lt|gt|quot|#\d+|#x[0-9a-f]+);|([<>&])|([^<>&]+)/gi;
  for (const m of text.matchAll(re)) {
    if (m[2] !== undefined) {
      const tag = m[2].toLowerCase();
      if (!TELEGRAM_TAGS.has(tag)) problem ??= `unsupported tag <${tag}>`;
      if (m[1]) {
        if (stack.pop() !== tag) problem ??= `unbalanced </${tag}>`;
      } else stack.push(tag);
    } else if (m[3] !== undefined) visible += 'x';
    else if (m[4] !== undefined) problem ??= `bare ${m[4]}`;
    else visible += m[5];
  }
  if (stack.length) problem ??= `unclosed <${stack[stack.length - 1]}>`;
  return { visible, problem };
}

function telegramMarkdownV2Text(text: string): { visible: string; problem: string | null } {
  let visible = '';
  let bold = 0;
  let problem: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      const next = text.codePointAt(i + 1);
      if (next === undefined || next > 126) problem ??= 'backslash escapes nothing';
      visible += text[i + 1] ?? '';
      i++;
    } else if (c === '*') bold++;
    else if (MDV2_SPECIAL.test(c)) problem ??= `unescaped ${c}`;
    else visible += c;
  }
  if (bold % 2) problem ??= 'unbalanced *';
  return { visible, problem };
}

export function telegramViolations(body: Record<string, unknown>): Violation[] {
  const v: Violation[] = [...lonelySurrogates(body)];
  const text = typeof body.text === 'string' ? body.text : '';
  const mode = body.parse_mode;
  const { visible, problem } =
    mode === 'HTML' ? telegramHtmlText(text) : mode === 'MarkdownV2' ? telegramMarkdownV2Text(text) : { visible: text, problem: null };
  if (problem) v.push({ kind: `telegram: ${String(mode)} entities`, detail: problem });
  if (!visible.trim()) v.push({ kind: 'telegram: empty text', detail: '' });
  if ([...visible].length > 4096) v.push({ kind: 'telegram: over 4096 after parsing', detail: String(visible.length) });
  return v;
}

// ---------------------------------------------------------------- Standard Webhooks

/**
 * The spec's signature, computed here from its text: the secret is `whsec_` + base64 of the key;
 * the signed content is `msg_id.timestamp.payload`; the header holds `v1,` + base64 HMAC-SHA256,
 * space-delimited when there are several.
 */
export function standardWebhooksViolations(headers: Record<string, string>, body: string, secret: string): Violation[] {
  const v: Violation[] = [];
  const id = headers['webhook-id'] ?? '';
  const ts = headers['webhook-timestamp'] ?? '';
  if (!/^[A-Za-z0-9_-]+$/.test(id)) v.push({ kind: 'standard-webhooks: webhook-id outside [A-Za-z0-9_-]', detail: id });
  if (!/^\d+$/.test(ts)) v.push({ kind: 'standard-webhooks: timestamp not integer seconds', detail: ts });
  if (!secret.startsWith('whsec_')) throw new Error('the test secret must be whsec_…');
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${ts}.${body}`, 'utf8').digest();
  const ok = (headers['webhook-signature'] ?? '').split(' ').some((sig) => {
    const [version, b64] = sig.split(',', 2);
    if (version !== 'v1' || !b64) return false;
    const given = Buffer.from(b64, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!ok) v.push({ kind: 'standard-webhooks: signature does not verify', detail: headers['webhook-signature'] ?? '' });
  return v;
}

/** Counts violations by kind ({} when everything conforms). */
export function countByKind(violations: Violation[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const x of violations) counts[x.kind] = (counts[x.kind] ?? 0) + 1;
  return counts;
}

/**
 * The arguments of Slack's `chat.postMessage` (docs.slack.dev/reference/methods/chat.postMessage;
 * @slack/web-api's ChatPostMessageArguments): a channel id, `text` and/or `blocks` (the Block Kit
 * checks of slackLikeViolations), `thread_ts` a message's ts, and no argument Slack does not take.
 */
const CHAT_POST_MESSAGE_ARGS = new Set([
  'channel',
  'text',
  'blocks',
  'attachments',
  'as_user',
  'icon_emoji',
  'icon_url',
  'link_names',
  'markdown_text',
  'metadata',
  'mrkdwn',
  'parse',
  'reply_broadcast',
  'thread_ts',
  'unfurl_links',
  'unfurl_media',
  'username',
]);

export function slackChatPostMessageViolations(body: Record<string, unknown>): Violation[] {
  const v: Violation[] = slackLikeViolations('slack', body);
  if (typeof body.channel !== 'string' || !/^[CGD][A-Z0-9]{6,20}$/.test(body.channel))
    v.push({ kind: 'chat.postMessage: channel id', detail: String(body.channel) });
  if (body.thread_ts !== undefined && (typeof body.thread_ts !== 'string' || !/^\d+\.\d{6}$/.test(body.thread_ts)))
    v.push({ kind: 'chat.postMessage: thread_ts', detail: String(body.thread_ts) });
  for (const k of Object.keys(body)) if (!CHAT_POST_MESSAGE_ARGS.has(k)) v.push({ kind: 'chat.postMessage: unknown argument', detail: k });
  for (const k of ['unfurl_links', 'unfurl_media', 'reply_broadcast', 'mrkdwn'])
    if (body[k] !== undefined && typeof body[k] !== 'boolean')
      v.push({ kind: `chat.postMessage: ${k} not a boolean`, detail: String(body[k]) });
  return v;
}
