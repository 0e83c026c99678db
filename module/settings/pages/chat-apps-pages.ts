/**
 * The chat apps page (`/apps`): the Discord application (id, public key, bot token), the Slack
 * app (signing secret, bot token) and which Discord and Slack user is which staff member. Keys,
 * secrets and tokens are never shown back: the page says "set" and offers to replace them (a
 * field left blank keeps the stored value). Saving goes through the same checks as the JSON API
 * (module/helpdesk/chat-apps-input.ts).
 */
import type { AdminRequest, AdminResponse } from '../../../sdk/module-context.js';
import { discordUser, saveDiscordApp, saveLinks, saveSlackApp, slackUser, type FieldProblem } from '../../helpdesk/chat-apps-input.js';
import { discord } from '../../platforms/discord/index.js';
import { slack } from '../../platforms/slack/index.js';
import type { SettingsDeps } from '../settings-deps.js';
import { formBody, notFoundPage, renderPage } from './page-render.js';

/** The page's three forms: each chat app's (named by its platform id) and the links'. */
export const APP_A = discord.id;
export const APP_B = slack.id;
type Section = typeof APP_A | typeof APP_B | 'links';
/** A chat user field's name on the links form: `<platform>_<staff index>`. */
const userField = (kind: string, index: number) => `${kind}_${index}`;

interface PageState {
  saved?: Section;
  problems?: FieldProblem[];
  /** What was typed in the id fields (never a secret) when a save is refused. */
  typed?: Record<string, string>;
  status?: number;
}

/** A posted form field as one trimmed string ('' when absent). */
const field = (req: AdminRequest, name: string): string => {
  const v = formBody(req)[name];
  return (Array.isArray(v) ? String(v[v.length - 1] ?? '') : typeof v === 'string' ? v : '').trim();
};
const orAbsent = (s: string): string | undefined => (s ? s : undefined);

async function drawPage(deps: SettingsDeps, req: AdminRequest, s: PageState = {}): Promise<AdminResponse> {
  const apps = deps.chatApps;
  if (!apps) return notFoundPage(deps, req);
  const { store, helpdesk } = apps;
  const say = (key: string, vars?: Record<string, string | number>) => deps.i18n.t(key, vars, req.locale);
  const [discordApp, slackApp, discordLinks, slackLinks] = await Promise.all([
    store.discordView(),
    store.slackView(),
    store.discordLinks(),
    store.slackLinks(),
  ]);
  const staff = helpdesk ? await helpdesk.staff.list() : [];
  const userOf = (links: Record<string, string>, staffId: string) => Object.keys(links).find((u) => links[u] === staffId) ?? '';
  // One error a field (the first), in words; a reason without words shows as it is.
  const fieldErrors: Record<string, string> = {};
  for (const p of s.problems ?? []) {
    const key = `settings.apps.errors.${p.reason}`;
    fieldErrors[p.field] ??= say(key) === key ? p.reason : say(key);
  }
  return renderPage(
    deps,
    req,
    'apps.njk',
    'apps',
    say('settings.apps.title'),
    {
      discord: discordApp,
      slack: slackApp,
      hasHelpdesk: helpdesk !== null,
      discordInteractions: `${apps.hooksPath}/${APP_A}/interactions`,
      slackInteractions: `${apps.hooksPath}/${APP_B}/interactions`,
      slackEvents: `${apps.hooksPath}/${APP_B}/events`,
      staff: staff.map((m, i) => ({
        index: i,
        id: m.id,
        name: m.name,
        active: m.active,
        users: {
          [APP_A]: s.typed?.[userField(APP_A, i)] ?? userOf(discordLinks, m.id),
          [APP_B]: s.typed?.[userField(APP_B, i)] ?? userOf(slackLinks, m.id),
        },
      })),
      linkKinds: [
        { id: APP_A, placeholder: '80351110224678912' },
        { id: APP_B, placeholder: 'U012ABCDEF' },
      ],
      typed: s.typed ?? {},
      saved: s.saved ?? null,
      fieldErrors,
      errorCount: Object.keys(fieldErrors).length,
    },
    s.status ?? 200,
  );
}

const refused = (deps: SettingsDeps, req: AdminRequest, problems: FieldProblem[], typed: Record<string, string> = {}) =>
  drawPage(deps, req, { problems, typed, status: 400 });
const done = (deps: SettingsDeps, section: Section): AdminResponse => ({ redirect: `${deps.basePath}/apps?saved=${section}` });

export async function showChatApps(deps: SettingsDeps, req: AdminRequest): Promise<AdminResponse> {
  const saved = req.query.saved;
  return drawPage(deps, req, { saved: saved === APP_A || saved === APP_B || saved === 'links' ? saved : undefined });
}

export async function postDiscordApp(deps: SettingsDeps, req: AdminRequest): Promise<AdminResponse> {
  if (!deps.chatApps) return notFoundPage(deps, req);
  const applicationId = field(req, 'applicationId');
  const outcome = await saveDiscordApp(deps.chatApps.store, {
    applicationId,
    publicKey: orAbsent(field(req, 'publicKey')),
    botToken: orAbsent(field(req, 'botToken')),
  });
  return outcome.ok ? done(deps, APP_A) : refused(deps, req, outcome.errors, { applicationId });
}

export async function postSlackApp(deps: SettingsDeps, req: AdminRequest): Promise<AdminResponse> {
  if (!deps.chatApps) return notFoundPage(deps, req);
  const removeToken = ['on', '1', 'true'].includes(field(req, 'removeBotToken'));
  const outcome = await saveSlackApp(deps.chatApps.store, {
    signingSecret: orAbsent(field(req, 'signingSecret')),
    botToken: removeToken ? null : orAbsent(field(req, 'slackBotToken')),
  });
  // The page names Slack's token field apart from Discord's.
  const named = (p: FieldProblem) => (p.field === 'botToken' ? { ...p, field: 'slackBotToken' } : p);
  return outcome.ok ? done(deps, APP_B) : refused(deps, req, outcome.errors.map(named));
}

/** Every staff member's Discord and Slack user, all links replaced at once. */
export async function postChatLinks(deps: SettingsDeps, req: AdminRequest): Promise<AdminResponse> {
  if (!deps.chatApps) return notFoundPage(deps, req);
  const { store, helpdesk } = deps.chatApps;
  const staff = helpdesk ? await helpdesk.staff.list() : [];
  const typed: Record<string, string> = {};
  // Null prototype: a chat user id such as `constructor` is a key like any other.
  const links: Record<string, Record<string, string>> = { [APP_A]: Object.create(null), [APP_B]: Object.create(null) };
  const problems: FieldProblem[] = [];
  staff.forEach((m, i) => {
    for (const kind of [APP_A, APP_B]) {
      const user = field(req, userField(kind, i));
      typed[userField(kind, i)] = user;
      if (!user) continue;
      // One chat user acts as one staff member.
      if (links[kind][user]) problems.push({ field: userField(kind, i), reason: 'linked_twice' });
      links[kind][user] = m.id;
    }
  });
  if (problems.length) return refused(deps, req, problems, typed);
  /** An API error (`links.<user>`) as the page's field of that user. */
  const toField = (kind: string) => (p: FieldProblem) => {
    const user = p.field.replace(/^links\./, '');
    const i = staff.findIndex((_m, at) => typed[userField(kind, at)] === user);
    return { field: i >= 0 ? userField(kind, i) : p.field, reason: p.reason };
  };
  const d = await saveLinks(discordUser, helpdesk, (l) => store.saveDiscordLinks(l), { links: links[APP_A] });
  if (!d.ok) return refused(deps, req, d.errors.map(toField(APP_A)), typed);
  const s = await saveLinks(slackUser, helpdesk, (l) => store.saveSlackLinks(l), { links: links[APP_B] });
  if (!s.ok) return refused(deps, req, s.errors.map(toField(APP_B)), typed);
  return done(deps, 'links');
}
