/**
 * The platform registry: every platform's definition (one folder each), looked up by id. The rest
 * of the module asks here and never names a platform.
 */
import { discord } from './discord/index.js';
import { googlechat } from './googlechat/index.js';
import { json } from './json/index.js';
import { mattermost } from './mattermost/index.js';
import type { PlatformDefinition } from './platform-definition.js';
import { platformIds, type Platform } from './platform-ids.js';
import { rocketchat } from './rocketchat/index.js';
import { slack } from './slack/index.js';
import { teams } from './teams/index.js';
import { telegram } from './telegram/index.js';
import type { EveryOption, TicketThreadOptions } from './webhook-options.js';

export type { PlatformDefinition, PreviewStyle } from './platform-definition.js';
export { platformIds, type Platform } from './platform-ids.js';

const definitions: Record<Platform, PlatformDefinition> = { discord, slack, mattermost, rocketchat, teams, telegram, json, googlechat };

/** Every platform, in the order the settings page lists them. */
export const platformList: readonly PlatformDefinition[] = platformIds.map((id) => definitions[id]);

export const isPlatform = (id: unknown): id is Platform => typeof id === 'string' && Object.hasOwn(definitions, id);

/** What a URL no platform recognises is sent as: the generic, signed JSON body. */
export const fallbackPlatform: Platform = json.id;

/**
 * The definition of `id`. A stored row naming a platform this version does not know (written by
 * a newer one) gets the generic JSON platform's: sent, classified by the generic rules, never a
 * crash of its lane.
 */
export const platformOf = (id: Platform): PlatformDefinition => (isPlatform(id) ? definitions[id] : json);

/**
 * Every platform's option defaults in one object, for callers holding options of any platform (a
 * draft, a test's corpus, the fan-out's render key); each platform's format takes its own fields.
 */
export const defaultOptions = (): EveryOption => Object.assign({}, ...platformList.map((p) => p.options.defaults())) as EveryOption;

/**
 * The same defaults, built once and frozen, for the hot path (every render spreads its options
 * over them): `defaultOptions()` clones eight platforms' defaults on each call.
 */
export const everyOptionDefault: Readonly<EveryOption> = Object.freeze(defaultOptions());

/**
 * The options of a platform that keeps a post per ticket (`ticketThreads`), filled with its
 * defaults; null for the others. Such a platform's options include the thread fields.
 */
export const ticketThreadOptions = (id: Platform, given: Readonly<Record<string, unknown>> | undefined): TicketThreadOptions | null =>
  platformOf(id).ticketThreads ? (platformOf(id).options.filled(given) as unknown as TicketThreadOptions) : null;

/** The platforms whose definitions say `has`, by id (`platformsWhere((p) => p.paced)`). */
export const platformsWhere = (has: (p: PlatformDefinition) => boolean | undefined): Platform[] =>
  platformList.filter((p) => has(p)).map((p) => p.id);
