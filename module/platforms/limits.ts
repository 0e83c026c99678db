/**
 * Platform limits, and checks that name every broken one. Lengths are UTF-16 units
 * (`String.length`), which is never less than what the platforms count, so a body that passes
 * here passes there.
 */
export const DISCORD = {
  content: 2000,
  embeds: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  embedTotal: 6000,
  username: 80,
  threadName: 100,
  allowedRoles: 100,
} as const;

/**
 * Discord's `SnowflakeType` is `^(0|[1-9][0-9]*)$` (OpenAPI spec); real ids (roles, threads)
 * have 17 to 20 digits, so a leading zero or a short number is a typo, refused.
 */
export const DISCORD_SNOWFLAKE = /^[1-9][0-9]{16,19}$/;

/**
 * A name that shows at least one visible character: zero-width and other format characters
 * (U+200B, U+200D, U+FEFF, …) and spaces alone make an empty name Discord refuses.
 */
export const hasVisibleText = (s: string): boolean => s.replace(/[\p{Cf}\p{Z}\s]/gu, '') !== '';

/**
 * Slack: `text` up to 40,000; a section's text up to 3000, 50 blocks. Past about 13,000 characters
 * of blocks in all Slack answers `msg_blocks_too_long` (undocumented, reported by users), so block
 * text is kept to 11,000 in all.
 */
export const SLACK = { text: 40_000, sectionText: 3000, blocks: 50, blocksTotal: 11_000 } as const;
/** Mattermost's default post size limit (server setting, 16383 since v5.0). */
export const MATTERMOST = { text: 16_383 } as const;
/** Rocket.Chat's default "Message_MaxAllowedSize". */
export const ROCKETCHAT = { text: 5000 } as const;
/** Telegram counts the text after entity parsing. */
export const TELEGRAM = { text: 4096 } as const;
/** Teams' limit is 28 KB for the whole request; the JSON body is kept under 28 000 bytes to leave room. */
export const TEAMS = { bytes: 28_000 } as const;

interface EmbedLike {
  title?: string;
  description?: string;
  fields?: { name: string; value: string }[];
  footer?: { text: string };
  author?: { name: string };
}

/** Characters Discord counts towards the 6000 total of a message's embeds. */
export function embedTextLength(embed: EmbedLike): number {
  let n = (embed.title ?? '').length + (embed.description ?? '').length;
  n += (embed.footer?.text ?? '').length + (embed.author?.name ?? '').length;
  for (const f of embed.fields ?? []) n += f.name.length + f.value.length;
  return n;
}

/** Every Discord limit a webhook body breaks (empty when it fits). */
export function discordProblems(body: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const content = typeof body.content === 'string' ? body.content : '';
  if (content.length > DISCORD.content) problems.push(`content ${content.length} > ${DISCORD.content}`);
  const embeds = Array.isArray(body.embeds) ? (body.embeds as EmbedLike[]) : [];
  if (!content && embeds.length === 0) problems.push('empty message');
  if (embeds.length > DISCORD.embeds) problems.push(`${embeds.length} embeds > ${DISCORD.embeds}`);
  let total = 0;
  embeds.forEach((e, i) => {
    const at = `embeds[${i}]`;
    if ((e.title ?? '').length > DISCORD.title) problems.push(`${at}.title > ${DISCORD.title}`);
    if ((e.description ?? '').length > DISCORD.description) problems.push(`${at}.description > ${DISCORD.description}`);
    if ((e.footer?.text ?? '').length > DISCORD.footer) problems.push(`${at}.footer > ${DISCORD.footer}`);
    if ((e.author?.name ?? '').length > DISCORD.author) problems.push(`${at}.author > ${DISCORD.author}`);
    const fields = e.fields ?? [];
    if (fields.length > DISCORD.fields) problems.push(`${at}: ${fields.length} fields > ${DISCORD.fields}`);
    fields.forEach((f, j) => {
      if (!f.name.trim() || f.name.length > DISCORD.fieldName) problems.push(`${at}.fields[${j}].name empty or > ${DISCORD.fieldName}`);
      if (!f.value.trim() || f.value.length > DISCORD.fieldValue)
        problems.push(`${at}.fields[${j}].value empty or > ${DISCORD.fieldValue}`);
    });
    total += embedTextLength(e);
  });
  if (total > DISCORD.embedTotal) problems.push(`embed text ${total} > ${DISCORD.embedTotal}`);
  const username = body.username;
  if (username !== undefined) {
    if (
      typeof username !== 'string' ||
      !hasVisibleText(username) ||
      username.length > DISCORD.username ||
      /discord|clyde/i.test(username)
    ) {
      problems.push('invalid username');
    }
  }
  if (typeof body.thread_name === 'string' && body.thread_name.length > DISCORD.threadName)
    problems.push(`thread_name > ${DISCORD.threadName}`);
  const embedUrls = embeds.map((e) => (e as { url?: unknown }).url).filter((u) => u !== undefined);
  // "Embeds are deduplicated by URL": a second embed with one url is not shown.
  if (new Set(embedUrls).size !== embedUrls.length) problems.push('two embeds with one url');
  return problems;
}

/** Slack-compatible limit problems; `maxText` is the platform's text limit. */
export function slackProblems(body: Record<string, unknown>, maxText: number = SLACK.text): string[] {
  const problems: string[] = [];
  const text = typeof body.text === 'string' ? body.text : '';
  if (!text.trim()) problems.push('empty text');
  if (text.length > maxText) problems.push(`text ${text.length} > ${maxText}`);
  const blocks = Array.isArray(body.blocks) ? (body.blocks as { text?: { text?: string } }[]) : [];
  if (blocks.length > SLACK.blocks) problems.push(`${blocks.length} blocks > ${SLACK.blocks}`);
  let total = 0;
  blocks.forEach((b, i) => {
    const t = b.text?.text ?? '';
    total += t.length;
    if (!t.trim() || t.length > SLACK.sectionText) problems.push(`blocks[${i}].text empty or > ${SLACK.sectionText}`);
  });
  if (total > SLACK.blocksTotal) problems.push(`blocks hold ${total} characters > ${SLACK.blocksTotal}`);
  return problems;
}

/** The text as Telegram shows it, whose length is what the 4096 limit counts. */
export function telegramVisibleText(text: string, parseMode: string | undefined): string {
  if (parseMode === 'HTML') {
    return text
      .replace(/<[^>]*>/g, '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&');
  }
  if (parseMode === 'MarkdownV2') return text.replace(/\\(.)|[*_~|`]/gs, (_w, escaped: string | undefined) => escaped ?? '');
  return text;
}

export function telegramProblems(body: Record<string, unknown>): string[] {
  const text = typeof body.text === 'string' ? body.text : '';
  const visible = telegramVisibleText(text, typeof body.parse_mode === 'string' ? body.parse_mode : undefined);
  const problems: string[] = [];
  if (!visible.trim()) problems.push('empty text');
  if (visible.length > TELEGRAM.text) problems.push(`text ${visible.length} > ${TELEGRAM.text} after entity parsing`);
  return problems;
}

export const jsonBytes = (body: unknown): number => Buffer.byteLength(JSON.stringify(body), 'utf8');

export function teamsProblems(body: Record<string, unknown>): string[] {
  const bytes = jsonBytes(body);
  return bytes > TEAMS.bytes ? [`payload ${bytes} bytes > ${TEAMS.bytes}`] : [];
}
