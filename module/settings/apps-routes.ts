/**
 * The chat apps page (`/apps`): the Discord application (id, public key, bot token), the Slack
 * app (signing secret, bot token) and which Discord and Slack user is which staff member. Keys,
 * secrets and tokens are never shown back: the page says "set" and offers to replace them (a
 * field left blank keeps the stored value). Saving goes through the same checks as the JSON API
 * (module/helpdesk/chat-apps-input.ts).
 */
import type { HelpdeskPort, StaffMember } from '../../sdk/helpdesk.js';
import type { AdminRequest, AdminResponse } from '../../sdk/module-context.js';
import { discordUser, saveDiscordApp, saveLinks, saveSlackApp, slackUser, type FieldProblem } from '../helpdesk/chat-apps-input.js';
import type { ChatAppsStore } from '../helpdesk/chat-apps-store.js';
import { discord } from '../platforms/discord/index.js';
import { slack } from '../platforms/slack/index.js';
import type { PageRoute } from './page-routes.js';
import type { SettingsDeps } from './settings-deps.js';

/** What the page needs besides the settings' own parts. */
export interface ChatAppsPageDeps {
  store: ChatAppsStore;
  helpdesk: HelpdeskPort | null;
  /** Where the module's public routes are mounted (`/hooks/webhooks`). */
  hooksPath: string;
}

/** The page's three forms: each chat app's (named by its platform id) and the links'. */
const APP_A = discord.id;
const APP_B = slack.id;
type Section = typeof APP_A | typeof APP_B | 'links';
/** A chat user field's name on the links form: `<platform>_<staff index>`. */
const userField = (kind: string, index: number) => `${kind}_${index}`;

interface PageState {
  saved?: Section;
  errors?: { section: Section; problems: FieldProblem[] };
  /** What was typed in the id fields (never a secret) when a save is refused. */
  typed?: Record<string, string>;
  status?: number;
}

/** A posted form field as one trimmed string ('' when absent). */
const field = (body: unknown, name: string): string => {
  const v = (body as Record<string, unknown> | null)?.[name];
  return (Array.isArray(v) ? String(v[v.length - 1] ?? '') : typeof v === 'string' ? v : '').trim();
};
const orAbsent = (s: string): string | undefined => (s ? s : undefined);

export function appsRoutes(deps: SettingsDeps): PageRoute[] {
  const apps = deps.chatApps;
  if (!apps) return [];
  const { store, helpdesk } = apps;
  const t = deps.i18n.t.bind(deps.i18n);

  const page = async (req: AdminRequest, s: PageState = {}): Promise<AdminResponse> => {
    const locale = req.locale;
    const say = (key: string, vars?: Record<string, string | number>) => t(key, vars, locale);
    const [discord, slack, discordLinks, slackLinks] = await Promise.all([
      store.discordView(),
      store.slackView(),
      store.discordLinks(),
      store.slackLinks(),
    ]);
    const staff: StaffMember[] = helpdesk ? await helpdesk.staff.list() : [];
    const userOf = (links: Record<string, string>, staffId: string) => Object.keys(links).find((u) => links[u] === staffId) ?? '';
    // One error a field (the first), in words; a reason without words shows as it is.
    const fieldErrors: Record<string, string> = {};
    for (const p of s.errors?.problems ?? []) {
      const key = `settings.apps.errors.${p.reason}`;
      fieldErrors[p.field] ??= say(key) === key ? p.reason : say(key);
    }
    const data = {
      t: say,
      locale,
      basePath: deps.basePath,
      apiPath: `${deps.basePath}/api`,
      assetsPath: `${deps.basePath}/assets`,
      csrfToken: req.csrfToken,
      section: 'apps',
      inboxUrl: deps.inboxUrl ?? null,
      discord,
      slack,
      hasHelpdesk: helpdesk !== null,
      discordInteractions: `${apps.hooksPath}/discord/interactions`,
      slackInteractions: `${apps.hooksPath}/slack/interactions`,
      slackEvents: `${apps.hooksPath}/slack/events`,
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
      typed: s.typed ?? {},
      linkKinds: [
        { id: APP_A, placeholder: '80351110224678912' },
        { id: APP_B, placeholder: 'U012ABCDEF' },
      ],
      saved: s.saved ?? null,
      errorSection: s.errors?.section ?? null,
      fieldErrors,
      errorCount: Object.keys(fieldErrors).length,
    };
    return { status: s.status ?? 200, html: deps.views.render('apps.njk', data, req, { title: say('settings.apps.title') }) };
  };

  const refused = (req: AdminRequest, section: Section, problems: FieldProblem[], typed: Record<string, string> = {}) =>
    page(req, { errors: { section, problems }, typed, status: 400 });
  const done = (section: Section): AdminResponse => ({ redirect: `${deps.basePath}/apps?saved=${section}` });

  return [
    {
      method: 'GET',
      path: '/apps',
      handler: (req) => {
        const saved = req.query.saved;
        return page(req, { saved: saved === APP_A || saved === APP_B || saved === 'links' ? saved : undefined });
      },
    },
    {
      method: 'POST',
      path: `/apps/${APP_A}`,
      handler: async (req) => {
        const applicationId = field(req.body, 'applicationId');
        const outcome = await saveDiscordApp(store, {
          applicationId,
          publicKey: orAbsent(field(req.body, 'publicKey')),
          botToken: orAbsent(field(req.body, 'botToken')),
        });
        return outcome.ok ? done(APP_A) : refused(req, APP_A, outcome.errors, { applicationId });
      },
    },
    {
      method: 'POST',
      path: `/apps/${APP_B}`,
      handler: async (req) => {
        const removeToken = ['on', '1', 'true'].includes(field(req.body, 'removeBotToken'));
        const outcome = await saveSlackApp(store, {
          signingSecret: orAbsent(field(req.body, 'signingSecret')),
          botToken: removeToken ? null : orAbsent(field(req.body, 'slackBotToken')),
        });
        // The page names Slack's token field apart from Discord's.
        const named = (p: FieldProblem) => (p.field === 'botToken' ? { ...p, field: 'slackBotToken' } : p);
        return outcome.ok ? done(APP_B) : refused(req, APP_B, outcome.errors.map(named));
      },
    },
    {
      method: 'POST',
      path: '/apps/links',
      handler: async (req) => {
        const staff = helpdesk ? await helpdesk.staff.list() : [];
        const typed: Record<string, string> = {};
        const discordLinks: Record<string, string> = {};
        const slackLinks: Record<string, string> = {};
        const problems: FieldProblem[] = [];
        staff.forEach((m, i) => {
          for (const [kind, links] of [
            [APP_A, discordLinks],
            [APP_B, slackLinks],
          ] as const) {
            const user = field(req.body, userField(kind, i));
            typed[userField(kind, i)] = user;
            if (!user) continue;
            // One chat user acts as one staff member.
            if (links[user]) problems.push({ field: userField(kind, i), reason: 'linked_twice' });
            links[user] = m.id;
          }
        });
        if (problems.length) return refused(req, 'links', problems, typed);
        const toField = (kind: string) => (p: FieldProblem) => {
          const user = p.field.replace(/^links\./, '');
          const i = staff.findIndex((_m, at) => typed[userField(kind, at)] === user);
          return { field: i >= 0 ? userField(kind, i) : p.field, reason: p.reason };
        };
        const d = await saveLinks(discordUser, helpdesk, (l) => store.saveDiscordLinks(l), { links: discordLinks });
        if (!d.ok) return refused(req, 'links', d.errors.map(toField(APP_A)), typed);
        const s = await saveLinks(slackUser, helpdesk, (l) => store.saveSlackLinks(l), { links: slackLinks });
        if (!s.ok) return refused(req, 'links', s.errors.map(toField(APP_B)), typed);
        return done('links');
      },
    },
  ];
}
