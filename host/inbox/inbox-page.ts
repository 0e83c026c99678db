/**
 * The inbox page: what arrived, drawn like Discord (dark cards, embeds) and Slack would show
 * it. Every value is HTML-escaped first; only then are bold markers and emoji shortcodes
 * turned into markup, so message text can never inject HTML.
 */
import { emojify } from 'node-emoji';
import type { InboxMessage } from './inbox-store.js';

export function escapeHtml(s: unknown): string {
  return String(s ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Shortcodes Discord and Slack know that node-emoji spells differently. */
const aliases: Record<string, string> = { envelope: 'email' };
const toEmoji = (s: string) =>
  emojify(s.replace(/:([a-z0-9_+-]+):/gi, (whole, name: string) => (aliases[name] ? `:${aliases[name]}:` : whole)));

/** Discord markdown subset on already-escaped text. */
function discordText(raw: unknown): string {
  return escapeHtml(toEmoji(String(raw ?? '')))
    .replace(/\*\*([^*]+?)\*\*/g, '<strong>$1</strong>')
    .replace(/__([^_]+?)__/g, '<u>$1</u>')
    .replace(/`([^`]+?)`/g, '<code>$1</code>')
    .replace(/\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g, '<a href="$2" rel="noopener noreferrer">$1</a>');
}

/** Slack mrkdwn subset: the body holds `&amp; &lt; &gt;` escapes already; decode, then escape once. */
function slackText(raw: unknown): string {
  const decoded = String(raw ?? '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
  return escapeHtml(toEmoji(decoded))
    .replace(/&lt;(https?:\/\/[^|&]+?)\|([^&]+?)&gt;/g, '<a href="$1" rel="noopener noreferrer">$2</a>')
    .replace(/\*([^*\n]+?)\*/g, '<strong>$1</strong>')
    .replace(/_([^_\n]+?)_/g, '<em>$1</em>');
}

const hex = (n: unknown) => (typeof n === 'number' ? '#' + n.toString(16).padStart(6, '0') : '#1e1f22');

/** Words of the inbox page in the host's language; times in the host's time zone. */
export interface InboxView {
  locale: 'fr' | 'en';
  timeZone: string;
}

const words = {
  fr: {
    title: 'Boîte de réception locale',
    intro: 'Elle reçoit comme un webhook Discord ou Slack\u202f; rien ne quitte cette machine.',
    count: (n: number) => `${n} ${new Intl.PluralRules('fr').select(n) === 'one' ? 'message reçu' : 'messages reçus'}`,
    updates: 'La page se met à jour d’elle-même.',
    empty: 'Aucun message pour l’instant.',
    receiver: 'webhook',
    forum: '#tickets — forum Discord',
    thread: 'fil',
    posts: (n: number) => `${n} ${new Intl.PluralRules('fr').select(n) === 'one' ? 'message' : 'messages'}`,
    edited: '(modifié)',
    tag: 'étiquette',
    orders: '#commandes — Discord',
    support: '#support — Slack',
    chat: 'Support — Google Chat',
    receivers: 'Récepteurs',
    use: (platform: string) => `Utiliser ce récepteur (${platform})`,
    useShort: 'Utiliser ce récepteur',
  },
  en: {
    title: 'Local inbox',
    intro: 'It answers like a Discord or Slack webhook; nothing leaves this machine.',
    count: (n: number) => `${n} ${new Intl.PluralRules('en').select(n) === 'one' ? 'message received' : 'messages received'}`,
    updates: 'This page updates itself.',
    empty: 'No message yet.',
    receiver: 'webhook',
    forum: '#tickets — Discord forum',
    thread: 'thread',
    posts: (n: number) => `${n} ${new Intl.PluralRules('en').select(n) === 'one' ? 'message' : 'messages'}`,
    edited: '(edited)',
    tag: 'tag',
    orders: '#orders — Discord',
    support: '#support — Slack',
    chat: 'Support — Google Chat',
    receivers: 'Receivers',
    use: (platform: string) => `Use this receiver (${platform})`,
    useShort: 'Use this receiver',
  },
} as const;

/** Messages drawn per column; the page drops older cards as new ones arrive. */
export const INBOX_SHOWN = 100;

const timeOf = (at: number, view: InboxView) =>
  new Intl.DateTimeFormat(view.locale === 'fr' ? 'fr-FR' : 'en-GB', { timeStyle: 'medium', timeZone: view.timeZone }).format(new Date(at));
const dateTimeOf = (at: number, view: InboxView) =>
  new Intl.DateTimeFormat(view.locale === 'fr' ? 'fr-FR' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: view.timeZone,
  }).format(new Date(at));

export function discordCard(m: InboxMessage, view: InboxView): string {
  const b = m.body as { content?: string; username?: string; avatar_url?: string; embeds?: Record<string, unknown>[] };
  const name = b.username || 'Webhooks';
  const embeds = (b.embeds ?? [])
    .map((e) => {
      const fields = (Array.isArray(e.fields) ? (e.fields as { name: string; value: string; inline?: boolean }[]) : [])
        .map((f) => `<div class="f${f.inline ? '' : ' wide'}"><b>${discordText(f.name)}</b><span>${discordText(f.value)}</span></div>`)
        .join('');
      const author = (e.author as { name?: string } | undefined)?.name;
      const footer = (e.footer as { text?: string } | undefined)?.text;
      const stamp = e.timestamp && !Number.isNaN(Date.parse(String(e.timestamp))) ? dateTimeOf(Date.parse(String(e.timestamp)), view) : '';
      return `<div class="embed" style="border-left-color:${escapeHtml(hex(e.color))}">
        ${author ? `<div class="ea">${escapeHtml(author)}</div>` : ''}
        ${e.title ? `<div class="et">${discordText(e.title)}</div>` : ''}
        ${e.description ? `<div class="ed">${discordText(e.description)}</div>` : ''}
        ${fields ? `<div class="fs">${fields}</div>` : ''}
        ${footer || stamp ? `<div class="ef">${escapeHtml(footer ?? '')}${stamp ? ' • ' + escapeHtml(stamp) : ''}</div>` : ''}
      </div>`;
    })
    .join('');
  return `<article class="dc" data-kind="discord" data-seq="${m.seq}">
    <div class="av" aria-hidden="true">${escapeHtml(name.charAt(0).toUpperCase())}</div>
    <div class="main"><div class="hd"><span class="nm">${escapeHtml(name)}</span><span class="bot">BOT</span>
    <time datetime="${new Date(m.at).toISOString()}">${escapeHtml(timeOf(m.at, view))}</time>${m.editedSeq ? `<span class="edited">${words[view.locale].edited}</span>` : ''}<span class="rc">${words[view.locale].receiver} ${escapeHtml(m.receiver)}</span></div>
    ${b.content ? `<div class="ct">${discordText(b.content)}</div>` : ''}${embeds}</div></article>`;
}

export function slackCard(m: InboxMessage, view: InboxView): string {
  const b = m.body as { text?: string; username?: string };
  const name = b.username || 'Webhooks';
  return `<article class="sl" data-kind="slack" data-seq="${m.seq}">
    <div class="sav" aria-hidden="true">${escapeHtml(name.charAt(0).toUpperCase())}</div>
    <div class="main"><div class="hd"><span class="snm">${escapeHtml(name)}</span><span class="app">APP</span>
    <time datetime="${new Date(m.at).toISOString()}">${escapeHtml(timeOf(m.at, view))}</time><span class="rc">${escapeHtml(m.receiver)}</span></div>
    <div class="st">${slackText(b.text)}</div></div></article>`;
}

/** Google Chat: its text markup (`*bold*`, `_italic_`, `<url|label>`), the message's thread under it. */
export function googleChatCard(m: InboxMessage, view: InboxView): string {
  const b = m.body as { text?: string };
  const text = escapeHtml(toEmoji(String(b.text ?? '')))
    .replace(/&lt;(https?:\/\/[^|&]+?)\|([^&]+?)&gt;/g, '<a href="$1" rel="noopener noreferrer">$2</a>')
    .replace(/\*([^*\n]+?)\*/g, '<strong>$1</strong>')
    .replace(/_([^_\n]+?)_/g, '<em>$1</em>');
  const thread = m.thread?.name ? `<div class="gth">${escapeHtml(words[view.locale].thread)} ${escapeHtml(m.thread.name)}</div>` : '';
  return `<article class="gc" data-kind="googlechat" data-seq="${m.seq}" data-thread="${escapeHtml(m.thread?.id ?? '')}">
    <div class="main"><div class="hd"><span class="snm">Webhooks</span><span class="app">APP</span>
    <time datetime="${new Date(m.at).toISOString()}">${escapeHtml(timeOf(m.at, view))}</time><span class="rc">${escapeHtml(m.receiver)}</span></div>
    ${thread}<div class="st">${text}</div></div></article>`;
}

/**
 * Forum posts (Discord threads), newest activity first: the post's title and tags, its starter
 * message, then the messages of its thread in the order they came.
 */
export function forumPosts(messages: InboxMessage[], view: InboxView): string {
  const w = words[view.locale];
  const posts = new Map<string, InboxMessage[]>();
  for (const m of messages) if (m.kind === 'discord' && m.thread) posts.set(m.thread.id, [...(posts.get(m.thread.id) ?? []), m]);
  const activity = (list: InboxMessage[]) => Math.max(...list.map((m) => Math.max(m.seq, m.editedSeq ?? 0)));
  return [...posts.values()]
    .sort((a, b) => activity(b) - activity(a))
    .slice(0, INBOX_SHOWN)
    .map((list) => {
      const t = list[0].thread!;
      const tags = t.tags.map((id) => `<span class="tag" title="${w.tag} ${escapeHtml(id)}">#${escapeHtml(id.slice(-4))}</span>`).join('');
      const [starter, ...replies] = list;
      return `<article class="post" data-thread="${escapeHtml(t.id)}" data-testid="inbox-post">
    <div class="ph"><span class="pi" aria-hidden="true">💬</span><div class="pb"><h3 class="pt">${discordText(t.name)}</h3>
    <div class="pm">${tags}<span>${escapeHtml(w.posts(list.length))}</span></div></div></div>
    ${discordCard(starter, view)}${replies.length ? `<div class="replies">${replies.map((m) => discordCard(m, view)).join('\n')}</div>` : ''}</article>`;
    })
    .join('\n');
}

/**
 * New cards since `after` (newest first), for the page's own updates: HTML escaped like the page.
 * A forum message or an edit changes cards already drawn: the page reloads (`reload`).
 */
export function inboxUpdate(messages: InboxMessage[], after: number, view: InboxView, lastSeq?: number) {
  const fresh = messages.filter((m) => m.seq > after).slice(-INBOX_SHOWN);
  const reload = messages.some((m) => (m.seq > after && m.kind === 'discord' && m.thread) || (m.editedSeq ?? 0) > after);
  return {
    reload,
    last: lastSeq ?? (messages.length ? messages[messages.length - 1].seq : after),
    count: words[view.locale].count(messages.length),
    discord: fresh
      .filter((m) => m.kind === 'discord' && !m.thread)
      .reverse()
      .map((m) => discordCard(m, view))
      .join('\n'),
    slack: fresh
      .filter((m) => m.kind === 'slack')
      .reverse()
      .map((m) => slackCard(m, view))
      .join('\n'),
    googlechat: fresh
      .filter((m) => m.kind === 'googlechat')
      .reverse()
      .map((m) => googleChatCard(m, view))
      .join('\n'),
  };
}

/** One receiver as the page lists it: what it plays, a URL shape to show, and where "use it" leads. */
export interface ReceiverInfo {
  label: string;
  example: string;
  /** The webhook form prefilled with this receiver (null: no module offers one). */
  useHref: string | null;
}

export function inboxPage(messages: InboxMessage[], receivers: ReceiverInfo[], view: InboxView, lastSeq?: number): string {
  const w = words[view.locale];
  const colon = view.locale === 'fr' ? '\u202f:' : ':';
  const receiverList = receivers
    .map(
      (r) =>
        `<li>${escapeHtml(r.label)}${colon} <code>${escapeHtml(r.example)}</code>${
          r.useHref
            ? ` <a class="use" href="${escapeHtml(r.useHref)}" aria-label="${escapeHtml(w.use(r.label))}" data-testid="use-receiver-${escapeHtml(r.label.toLowerCase().replace(/\W+/g, '-'))}">${w.useShort}</a>`
            : ''
        }</li>`,
    )
    .join('');
  const forum = forumPosts(messages, view);
  const discord = messages
    .filter((m) => m.kind === 'discord' && !m.thread)
    .slice(-INBOX_SHOWN)
    .reverse();
  const slack = messages
    .filter((m) => m.kind === 'slack')
    .slice(-INBOX_SHOWN)
    .reverse();
  const googleChat = messages
    .filter((m) => m.kind === 'googlechat')
    .slice(-INBOX_SHOWN)
    .reverse();
  const last = lastSeq ?? (messages.length ? messages[messages.length - 1].seq : 0);
  return `<!doctype html><html lang="${view.locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${w.title}</title>
<style>
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#1e1f22;color:#dbdee1}
header{padding:16px 24px;background:#111214;border-bottom:1px solid #2b2d31;display:flex;justify-content:space-between;gap:12px;flex-wrap:wrap;align-items:center}
header h1{margin:0;font-size:18px;color:#f2f3f5}header p{margin:2px 0 0;color:#b5bac1;font-size:12px;overflow-wrap:anywhere}
header code{background:#2b2d31;padding:1px 5px;border-radius:4px;color:#dbdee1;overflow-wrap:anywhere}
.rcv{margin:6px 0 0;padding:0;list-style:none;display:flex;flex-wrap:wrap;gap:4px 16px;font-size:12px;color:#b5bac1}
.rcv .use{display:inline-block;margin-left:4px;padding:2px 8px;border-radius:4px;background:#5865f2;color:#fff;text-decoration:none;font-weight:600}
.rcv .use:hover{background:#4752c4}
.cols{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr) minmax(0,2fr);min-height:calc(100vh - 70px)}
.googlechat{background:#f6f8fc;color:#1f1f1f}.col.googlechat h2{color:#444746}.googlechat .empty{color:#444746}.gc{padding:8px 16px;font:15px/1.46 Roboto,Arial,sans-serif}.gc time,.gc .rc{color:#444746}.gth{font-size:12px;color:#0b57d0}
.col{padding:8px 0;min-width:0}.col h2{font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:#b5bac1;margin:12px 20px}
.discord{background:#313338}.slack{background:#fff;color:#1d1c1d}.slack h2{color:#545454}
.empty{margin:20px;color:#b5bac1}.slack .empty{color:#545454}
.dc{display:flex;gap:14px;padding:8px 20px;font:15px/1.375 "gg sans","Noto Sans","Helvetica Neue",Arial,sans-serif}.dc:hover{background:#2e3035}
.av{width:40px;height:40px;border-radius:50%;background:#5865f2;color:#fff;display:grid;place-items:center;font-weight:700;flex:none}
.main{min-width:0;flex:1}.hd{display:flex;gap:6px;align-items:center;flex-wrap:wrap}
.nm{color:#f2f3f5;font-weight:600}.bot{background:#4752c4;color:#fff;font-size:10px;font-weight:600;border-radius:3px;padding:1px 4px}
time{color:#b5bac1;font-size:12px}.rc{color:#b5bac1;font-size:11px;margin-left:auto}
.ct{white-space:pre-wrap;word-break:break-word}.ct strong,.ed strong,.fs strong{color:#f2f3f5}a{color:#6ec6ff}.slack a{color:#1264a3}
.embed{margin-top:6px;background:#2b2d31;border-left:4px solid;border-radius:4px;padding:8px 14px 12px 12px;max-width:520px}
.ea{font-size:13px;font-weight:600;color:#f2f3f5}.et{color:#f2f3f5;font-weight:600;margin:4px 0}.ed{white-space:pre-wrap;font-size:14px}
.fs{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:8px;margin-top:8px}.f{font-size:14px;word-break:break-word}.f.wide{grid-column:1/-1}.f b{display:block;color:#f2f3f5;font-size:13px}
.ef{font-size:12px;color:#b5bac1;margin-top:8px}
.sl{display:flex;gap:10px;padding:8px 20px;font:15px/1.46 Lato,"Helvetica Neue",Arial,sans-serif}.sl:hover{background:#f8f8f8}
.sav{width:36px;height:36px;border-radius:6px;background:#4a154b;color:#fff;display:grid;place-items:center;font-weight:700;flex:none}
.snm{font-weight:900}.app{background:#e8e8e8;color:#454245;font-size:10px;font-weight:700;border-radius:2px;padding:1px 3px}
.sl time,.sl .rc{color:#545454}.st{white-space:pre-wrap;word-break:break-word}
a:focus-visible{outline:3px solid #6ec6ff;outline-offset:2px}
.edited{color:#949ba4;font-size:11px}
.forum{border-bottom:1px solid #3f4147;padding-bottom:8px}.post{margin:8px 16px 12px;background:#2b2d31;border-radius:8px;padding:4px 0 8px}
.ph{display:flex;gap:10px;padding:10px 16px 4px;align-items:flex-start}.pi{font-size:18px}.pb{min-width:0}
.pt{margin:0;font-size:16px;color:#f2f3f5;overflow-wrap:anywhere}.pm{display:flex;gap:6px;flex-wrap:wrap;align-items:center;color:#b5bac1;font-size:12px;margin-top:2px}
.tag{background:#404249;color:#dbdee1;border-radius:10px;padding:0 8px}
.post .dc{padding:6px 16px}.post .dc:hover{background:#313338}.replies{margin-left:34px;border-left:2px solid #4e5058}
@media(max-width:800px){.cols{grid-template-columns:minmax(0,1fr)}.fs{grid-template-columns:1fr}header{padding:12px 16px}.dc,.sl{padding:8px 12px}}
</style><script src="/inbox.js" defer></script></head><body>
<header><div><h1>${w.title}</h1><p>${w.intro}</p>
<ul class="rcv" aria-label="${w.receivers}">${receiverList}</ul></div>
<p><span id="count" data-testid="inbox-count">${escapeHtml(w.count(messages.length))}</span> · ${w.updates}</p></header>
<main class="cols" data-last="${last}" data-shown="${INBOX_SHOWN}"><section class="col discord" data-testid="inbox-discord" aria-labelledby="h-discord">
${forum ? `<div class="forum" data-testid="inbox-forum"><h2 id="h-forum">${escapeHtml(w.forum)}</h2>${forum}</div>` : ''}<h2 id="h-discord">${escapeHtml(w.orders)}</h2>
<div class="list" id="discord">${discord.map((m) => discordCard(m, view)).join('\n')}</div>${discord.length || forum ? '' : `<p class="empty">${w.empty}</p>`}</section>
<section class="col slack" data-testid="inbox-slack" aria-labelledby="h-slack"><h2 id="h-slack">${escapeHtml(w.support)}</h2>
<div class="list" id="slack">${slack.map((m) => slackCard(m, view)).join('\n')}</div>${slack.length ? '' : `<p class="empty">${w.empty}</p>`}</section>
<section class="col googlechat" data-testid="inbox-googlechat" aria-labelledby="h-googlechat"><h2 id="h-googlechat">${escapeHtml(w.chat)}</h2>
<div class="list" id="googlechat">${googleChat.map((m) => googleChatCard(m, view)).join('\n')}</div>${googleChat.length ? '' : `<p class="empty">${w.empty}</p>`}</section></main>
</body></html>`;
}

/**
 * The page's script: asks for the cards that arrived since the last one it has (every 3 s, only
 * while the tab is visible), puts them on top and drops the oldest past INBOX_SHOWN. The cards
 * are the server's escaped HTML, the same as on first load.
 */
export const inboxScript = `(function () {
  'use strict';
  var main = document.querySelector('main[data-last]');
  if (!main) return;
  var last = Number(main.getAttribute('data-last')) || 0;
  var shown = Number(main.getAttribute('data-shown')) || 100;
  function put(id, html) {
    if (!html) return;
    var list = document.getElementById(id);
    list.insertAdjacentHTML('afterbegin', html);
    var empty = list.parentNode.querySelector('.empty');
    if (empty) empty.remove();
    while (list.children.length > shown) list.removeChild(list.lastElementChild);
  }
  function tick() {
    if (document.hidden) return;
    fetch('/updates?after=' + last, { headers: { accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (u) {
        if (!u) return;
        if (u.last < last || u.reload) { window.location.reload(); return; }
        last = u.last;
        main.setAttribute('data-last', String(last));
        put('discord', u.discord);
        put('slack', u.slack);
        put('googlechat', u.googlechat);
        document.getElementById('count').textContent = u.count;
      })
      .catch(function () {});
  }
  setInterval(tick, 3000);
})();
`;
