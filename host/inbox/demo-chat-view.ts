/**
 * What the inbox draws of a message's interactive parts, as the platforms show them: Discord's
 * action rows of buttons, Slack's `actions` block, answer `input` and `context` lines. Each
 * button carries the message's sequence number and the platform's own id (custom_id /
 * action_id); /demo-chat.js turns a click into the signed interaction (demo-chat-client.ts).
 * Every value is escaped.
 */
import { createTranslator } from '../context/translator.js';
import { hostLangDir } from '../paths.js';
import type { InboxMessage } from './inbox-store.js';

const esc = (s: unknown): string =>
  String(s ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

interface Comp {
  type?: number;
  style?: number;
  label?: string;
  custom_id?: string;
  disabled?: boolean;
  components?: Comp[];
}

/** Discord's button styles: 1 primary, 2 secondary, 3 success, 4 danger. */
const discordStyle = (n: unknown) => (n === 1 ? 'p' : n === 3 ? 'ok' : n === 4 ? 'no' : 's');

export function discordButtons(m: InboxMessage): string {
  const rows = Array.isArray(m.body.components) ? (m.body.components as Comp[]) : [];
  return rows
    .filter((r) => r && r.type === 1 && Array.isArray(r.components))
    .map(
      (r) =>
        `<div class="dbtns" role="group">${r
          .components!.filter((c) => c && c.type === 2)
          .map(
            (c) =>
              `<button type="button" class="dbtn ${discordStyle(c.style)}" data-demo="discord" data-seq="${m.seq}" data-id="${esc(c.custom_id)}"${c.disabled ? ' disabled' : ''}>${esc(c.label)}</button>`,
          )
          .join('')}</div>`,
    )
    .join('');
}

interface Block {
  type?: string;
  block_id?: string;
  elements?: { type?: string; action_id?: string; text?: { text?: string } | string; style?: string; value?: string }[];
  element?: { type?: string; action_id?: string; placeholder?: { text?: string }; max_length?: number };
  label?: { text?: string };
}

export function slackActions(m: InboxMessage): string {
  const blocks = Array.isArray(m.body.blocks) ? (m.body.blocks as Block[]) : [];
  return blocks
    .map((b, i) => {
      if (b?.type === 'context')
        return `<div class="sctx">${(b.elements ?? []).map((e) => esc(typeof e.text === 'string' ? e.text : e.text?.text)).join(' ')}</div>`;
      if (b?.type === 'actions')
        return `<div class="sbtns" role="group">${(b.elements ?? [])
          .filter((e) => e.type === 'button')
          .map(
            (e) =>
              `<button type="button" class="sbtn ${e.style === 'primary' ? 'p' : e.style === 'danger' ? 'no' : ''}" data-demo="slack" data-seq="${m.seq}" data-id="${esc(e.action_id)}" data-value="${esc(e.value)}">${esc(typeof e.text === 'string' ? e.text : e.text?.text)}</button>`,
          )
          .join('')}</div>`;
      if (b?.type === 'input' && b.element?.type === 'plain_text_input') {
        const id = `sin-${m.seq}-${i}`;
        return `<form class="sin" data-demo="slack" data-seq="${m.seq}" data-id="${esc(b.element.action_id)}"><label for="${id}">${esc(b.label?.text)}</label><input id="${id}" name="value" maxlength="${Number(b.element.max_length) || 3000}" placeholder="${esc(b.element.placeholder?.text)}" autocomplete="off"></form>`;
      }
      return '';
    })
    .join('');
}

/** Styles of the parts above and of the modal (the inbox page's colours). */
export const demoChatStyles = `
.dbtns,.sbtns{display:flex;gap:8px;flex-wrap:wrap;margin-top:8px}
.dbtn{border:0;border-radius:3px;padding:2px 16px;min-height:32px;font:500 14px/1 inherit;color:#fff;cursor:pointer;background:#4e5058}
.dbtn.p{background:#4752c4}.dbtn.ok{background:#1a6334}.dbtn.no{background:#a12828}.dbtn:disabled{opacity:.6;cursor:not-allowed}
.sbtn{border:1px solid #868686;border-radius:4px;padding:0 12px;min-height:28px;font:700 13px/1 inherit;background:#fff;color:#1d1c1d;cursor:pointer}
.sbtn.p{background:#007a5a;border-color:#007a5a;color:#fff}.sbtn.no{background:#b0103c;border-color:#b0103c;color:#fff}
.sctx{color:#545454;font-size:13px;margin-top:4px}.sin{margin-top:8px}.sin label{display:block;font-weight:700;font-size:14px}
.sin input{width:100%;max-width:480px;padding:6px 8px;border:1px solid #868686;border-radius:4px;font:inherit}
button:focus-visible,.sin input:focus-visible,dialog textarea:focus-visible{outline:3px solid #1d9bd1;outline-offset:2px}
.note{margin-top:6px;font-size:13px;color:#dbdee1;background:#383a40;border-radius:4px;padding:6px 8px}.sl .note{background:#f4ede4;color:#1d1c1d}
.note b{display:block;font-size:11px;color:#b5bac1}.sl .note b{color:#545454}
dialog.demo{border:0;border-radius:8px;padding:0;width:min(480px,calc(100vw - 24px));background:#313338;color:#dbdee1}
dialog.demo.slack{background:#fff;color:#1d1c1d}dialog.demo::backdrop{background:rgba(0,0,0,.7)}
dialog.demo form{padding:16px}dialog.demo h2{margin:0 0 12px;font-size:18px}dialog.demo label{display:block;font-size:12px;font-weight:700;text-transform:uppercase;margin-bottom:6px}
dialog.demo.slack label{text-transform:none;font-size:15px}
dialog.demo textarea{width:100%;min-height:120px;border-radius:4px;border:1px solid #1e1f22;background:#1e1f22;color:#dbdee1;padding:8px;font:inherit}
dialog.demo.slack textarea{background:#fff;color:#1d1c1d;border-color:#868686}
dialog.demo .acts{display:flex;justify-content:flex-end;gap:8px;margin-top:12px}dialog.demo .err{color:#fa777c;margin:8px 0 0}dialog.demo.slack .err{color:#b0103c}
`;

/** The words /demo-chat.js needs, on the page (the script holds none). */
export function demoChatMarkup(locale: 'fr' | 'en'): string {
  const t = createTranslator(hostLangDir, locale).t;
  return `<div id="demo-chat" hidden data-only-you="${esc(t('inbox.demo.only_you'))}" data-cancel="${esc(t('inbox.demo.cancel'))}" data-submit="${esc(t('inbox.demo.submit'))}" data-failed="${esc(t('inbox.demo.failed'))}"></div>`;
}

/** The inbox's header line saying who the buttons act as. */
export function demoChatIntro(locale: 'fr' | 'en'): string {
  return esc(createTranslator(hostLangDir, locale).t('inbox.demo.intro'));
}
