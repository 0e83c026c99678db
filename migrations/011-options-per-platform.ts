import type { Knex } from 'knex';
import type { ModuleMigration } from '../sdk/module-context.js';

/**
 * A webhook's `options` hold its platform's options only (each platform declares its own in
 * module/platforms/<id>/): up keeps the row's platform's fields, in that platform's order, over
 * its defaults, and drops the others (a Slack row no longer carries Discord's `mode`); the sealed
 * signing secret stays where it is (`signingSecretSealed`) on the platforms that sign (JSON), and
 * goes from the others, which never sent it. Down writes the earlier shape back: every option of
 * every platform, the row's own values over the earlier defaults.
 *
 * The lists are frozen here as they were when this ran first: a platform's options may change
 * later, this migration's meaning does not. A row of a platform not listed (written by a newer
 * version) is left as it is.
 */

type Options = Record<string, unknown>;

const identity = { username: null, avatarUrl: null };
/** Each platform's fields with their defaults, in the order rows store them. */
const platformDefaults: Record<string, Options> = {
  discord: {
    mode: 'plain',
    color: null,
    ...identity,
    rolePing: null,
    threadId: null,
    threadName: null,
    threadPerTicket: false,
    threadTitle: null,
    threadTags: [],
    statusCard: 'off',
    coalesce: true,
  },
  slack: { ...identity, coalesce: true, slackBlocks: false },
  mattermost: { ...identity, coalesce: true },
  rocketchat: { ...identity, coalesce: true },
  teams: {},
  telegram: { telegramChatId: null, telegramParseMode: 'HTML' },
  json: {},
  googlechat: { googleChatCard: false },
};
/** The platforms whose rows keep their sealed signing secret. */
const signed = new Set(['json']);
const SECRET = 'signingSecretSealed';

/** The defaults every row held before (googleChatCard was written only when set). */
const earlierDefaults: Options = {
  mode: 'plain',
  color: null,
  ...identity,
  rolePing: null,
  threadId: null,
  threadName: null,
  threadPerTicket: false,
  threadTitle: null,
  threadTags: [],
  statusCard: 'off',
  coalesce: true,
  slackBlocks: false,
  telegramChatId: null,
  telegramParseMode: 'HTML',
};

/** Allowed values of the options that are one of a few words (anything else read as the default). */
const choices: Record<string, readonly string[]> = {
  mode: ['plain', 'embed'],
  statusCard: ['off', 'close', 'each'],
  telegramParseMode: ['HTML', 'MarkdownV2'],
};

function parsed(json: string): Options {
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Options) : {};
  } catch {
    return {};
  }
}

/**
 * One stored value in the shape its schema gives, read the way the formats read it so no body
 * changes: a flag as its truth (`coalesce` is on unless false), a choice outside its words as the
 * default, a missing value as the default.
 */
function normalised(field: string, value: unknown, fallback: unknown): unknown {
  if (value === undefined) return fallback;
  if (typeof fallback === 'boolean') return field === 'coalesce' ? value !== false : Boolean(value);
  if (choices[field]) return choices[field].includes(value as string) ? value : fallback;
  if (Array.isArray(fallback)) return Array.isArray(value) ? value : fallback;
  return value;
}

/** A row's options in the per-platform shape; null when the platform is not one this migration knows. */
export function optionsPerPlatform(platform: string, json: string): string | null {
  const defaults = platformDefaults[platform];
  if (!defaults) return null;
  const stored = parsed(json);
  const out: Options = {};
  for (const [field, fallback] of Object.entries(defaults)) out[field] = normalised(field, stored[field], fallback);
  if (signed.has(platform) && typeof stored[SECRET] === 'string' && stored[SECRET] !== '') out[SECRET] = stored[SECRET];
  return JSON.stringify(out);
}

/** A row's options in the earlier shape: every option, the row's values over the earlier defaults. */
export function optionsOfEveryPlatform(json: string): string {
  const { [SECRET]: secret, ...stored } = parsed(json);
  return JSON.stringify({ ...earlierDefaults, ...stored, ...(secret === undefined ? {} : { [SECRET]: secret }) });
}

async function rewrite(knex: Knex, convert: (platform: string, json: string) => string | null): Promise<void> {
  for (let after = 0; ;) {
    const rows: { id: number; platform: string; options: string }[] = await knex('wh_webhooks')
      .select('id', 'platform', 'options')
      .where('id', '>', after)
      .orderBy('id')
      .limit(500);
    if (!rows.length) return;
    after = Number(rows[rows.length - 1].id);
    for (const row of rows) {
      const next = convert(row.platform, row.options);
      if (next !== null && next !== row.options) await knex('wh_webhooks').where({ id: row.id }).update({ options: next });
    }
  }
}

export const optionsPerPlatformMigration: ModuleMigration = {
  name: '011-options-per-platform',
  async up(knex: Knex) {
    await knex.transaction((trx) => rewrite(trx, optionsPerPlatform));
  },
  async down(knex: Knex) {
    await knex.transaction((trx) => rewrite(trx, (_platform, json) => optionsOfEveryPlatform(json)));
  },
};
