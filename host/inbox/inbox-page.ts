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

function discordCard(m: InboxMessage): string {
  const b = m.body as { content?: string; username?: string; avatar_url?: string; embeds?: Record<string, unknown>[] };
  const name = b.username || 'Webhooks';
  const embeds = (b.embeds ?? [])
    .map((e) => {
      const fields = (Array.isArray(e.fields) ? (e.fields as { name: string; value: string; inline?: boolean }[]) : [])
        .map((f) => `<div class="f${f.inline ? '' : ' wide'}"><b>${discordText(f.name)}</b><span>${discordText(f.value)}</span></div>`)
        .join('');
      const author = (e.author as { name?: string } | undefined)?.name;
      const footer = (e.footer as { text?: string } | undefined)?.text;
      return `<div class="embed" style="border-left-color:${escapeHtml(hex(e.color))}">
        ${author ? `<div class="ea">${escapeHtml(author)}</div>` : ''}
        ${e.title ? `<div class="et">${discordText(e.title)}</div>` : ''}
        ${e.description ? `<div class="ed">${discordText(e.description)}</div>` : ''}
        ${fields ? `<div class="fs">${fields}</div>` : ''}
        ${footer || e.timestamp ? `<div class="ef">${escapeHtml(footer ?? '')}${e.timestamp ? ' • ' + escapeHtml(new Date(String(e.timestamp)).toLocaleString('fr-FR')) : ''}</div>` : ''}
      </div>`;
    })
    .join('');
  return `<article class="dc" data-kind="discord" data-seq="${m.seq}">
    <div class="av">${escapeHtml(name.charAt(0).toUpperCase())}</div>
    <div class="main"><div class="hd"><span class="nm">${escapeHtml(name)}</span><span class="bot">BOT</span>
    <time>${escapeHtml(new Date(m.at).toLocaleTimeString('fr-FR'))}</time><span class="rc">webhook ${escapeHtml(m.receiver)}</span></div>
    ${b.content ? `<div class="ct">${discordText(b.content)}</div>` : ''}${embeds}</div></article>`;
}

function slackCard(m: InboxMessage): string {
  const b = m.body as { text?: string; username?: string };
  const name = b.username || 'Webhooks';
  return `<article class="sl" data-kind="slack" data-seq="${m.seq}">
    <div class="sav">${escapeHtml(name.charAt(0).toUpperCase())}</div>
    <div class="main"><div class="hd"><span class="snm">${escapeHtml(name)}</span><span class="app">APP</span>
    <time>${escapeHtml(new Date(m.at).toLocaleTimeString('fr-FR'))}</time><span class="rc">${escapeHtml(m.receiver)}</span></div>
    <div class="st">${slackText(b.text)}</div></div></article>`;
}

export function inboxPage(messages: InboxMessage[], info: { discordExample: string; slackExample: string }): string {
  const discord = messages.filter((m) => m.kind === 'discord').reverse();
  const slack = messages.filter((m) => m.kind === 'slack').reverse();
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Boîte de réception locale · Local inbox</title><meta http-equiv="refresh" content="3">
<style>
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#1e1f22;color:#dbdee1}
header{padding:16px 24px;background:#111214;border-bottom:1px solid #2b2d31;display:flex;justify-content:space-between;gap:12px;flex-wrap:wrap;align-items:center}
header h1{margin:0;font-size:18px;color:#f2f3f5}header p{margin:2px 0 0;color:#949ba4;font-size:12px}
header code{background:#2b2d31;padding:1px 5px;border-radius:4px;color:#dbdee1}
.cols{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);min-height:calc(100vh - 70px)}
.col{padding:8px 0}.col h2{font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:#949ba4;margin:12px 20px}
.discord{background:#313338}.slack{background:#fff;color:#1d1c1d}.slack h2{color:#616061}
.empty{margin:20px;color:#949ba4}
.dc{display:flex;gap:14px;padding:8px 20px;font:15px/1.375 "gg sans","Noto Sans","Helvetica Neue",Arial,sans-serif}.dc:hover{background:#2e3035}
.av{width:40px;height:40px;border-radius:50%;background:#5865f2;color:#fff;display:grid;place-items:center;font-weight:700;flex:none}
.main{min-width:0;flex:1}.hd{display:flex;gap:6px;align-items:center;flex-wrap:wrap}
.nm{color:#f2f3f5;font-weight:600}.bot{background:#5865f2;color:#fff;font-size:10px;font-weight:600;border-radius:3px;padding:1px 4px}
time{color:#949ba4;font-size:12px}.rc{color:#6d6f78;font-size:11px;margin-left:auto}
.ct{white-space:pre-wrap;word-break:break-word}.ct strong,.ed strong,.fs strong{color:#f2f3f5}a{color:#00a8fc}
.embed{margin-top:6px;background:#2b2d31;border-left:4px solid;border-radius:4px;padding:8px 14px 12px 12px;max-width:520px}
.ea{font-size:13px;font-weight:600;color:#f2f3f5}.et{color:#f2f3f5;font-weight:600;margin:4px 0}.ed{white-space:pre-wrap;font-size:14px}
.fs{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:8px;margin-top:8px}.f{font-size:14px;word-break:break-word}.f.wide{grid-column:1/-1}.f b{display:block;color:#f2f3f5;font-size:13px}
.ef{font-size:12px;color:#b5bac1;margin-top:8px}
.sl{display:flex;gap:10px;padding:8px 20px;font:15px/1.46 Lato,"Helvetica Neue",Arial,sans-serif}.sl:hover{background:#f8f8f8}
.sav{width:36px;height:36px;border-radius:6px;background:#4a154b;color:#fff;display:grid;place-items:center;font-weight:700;flex:none}
.snm{font-weight:900}.app{background:#e8e8e8;color:#616061;font-size:10px;font-weight:700;border-radius:2px;padding:1px 3px}
.sl time{color:#616061}.st{white-space:pre-wrap;word-break:break-word}
@media(max-width:800px){.cols{grid-template-columns:1fr}.fs{grid-template-columns:1fr}}
</style></head><body>
<header><div><h1>Boîte de réception locale · Local inbox</h1>
<p>Discord : <code>${escapeHtml(info.discordExample)}</code> · Slack : <code>${escapeHtml(info.slackExample)}</code></p></div>
<p>${messages.length} message(s) · actualisation toutes les 3 s / refreshes every 3 s</p></header>
<div class="cols"><section class="col discord" data-testid="inbox-discord"><h2>#commandes — Discord</h2>
${discord.length ? discord.map(discordCard).join('\n') : '<p class="empty">Aucun message pour l’instant. / No message yet.</p>'}</section>
<section class="col slack" data-testid="inbox-slack"><h2>#support — Slack</h2>
${slack.length ? slack.map(slackCard).join('\n') : '<p class="empty">Aucun message pour l’instant. / No message yet.</p>'}</section></div>
</body></html>`;
}
