/**
 * A ticket message's action row on Discord: Reply, Claim, Close (one row, 3 of Discord's 5
 * buttons; custom_id at most 100 characters, label at most 80, as the OpenAPI spec says). Only a
 * webhook the Discord application created may carry interactive buttons, and only when executed
 * with `?with_components=true` (docs/helpdesk.md cites both). After a claim or a close, the
 * helpdesk answers the button's interaction with this row again, in its new state (claimed by,
 * closed): the same builder draws both.
 */
import type { APIActionRowComponent, APIButtonComponentWithCustomId } from 'discord-api-types/v10';
import { ticketActionId, type TicketButtonState, type TicketButtonWords } from '../ticket-actions.js';
import { cutUnits } from '../../text/untrusted-text.js';

const ACTION_ROW = 1;
const BUTTON = 2;
const PRIMARY = 1;
const SECONDARY = 2;
const SUCCESS = 3;
const DANGER = 4;
/** Discord's limits on a button (components reference; the spec's maxLength). */
export const BUTTON_LABEL_MAX = 80;
export const CUSTOM_ID_MAX = 100;

export type TicketButtonRow = APIActionRowComponent<APIButtonComponentWithCustomId>;

const label = (s: string): string => cutUnits(s.replace(/\s+/g, ' ').trim(), BUTTON_LABEL_MAX) || '…';

export function discordTicketButtons(
  ticketId: string,
  words: Pick<TicketButtonWords, 'reply' | 'claim' | 'close'>,
  state: TicketButtonState,
): TicketButtonRow {
  const closed = state.closed !== null;
  const claimed = state.claimed !== null;
  return {
    type: ACTION_ROW,
    components: [
      { type: BUTTON, style: PRIMARY, custom_id: ticketActionId('reply', ticketId), label: label(words.reply), disabled: closed },
      {
        type: BUTTON,
        style: claimed ? SUCCESS : SECONDARY,
        custom_id: ticketActionId('claim', ticketId),
        label: label(state.claimed ?? words.claim),
        disabled: claimed || closed,
      },
      {
        type: BUTTON,
        style: DANGER,
        custom_id: ticketActionId('close', ticketId),
        label: label(state.closed ?? words.close),
        disabled: closed,
      },
    ],
  } as TicketButtonRow;
}

/** The state a message's row shows now (Discord sends the message with the interaction). */
export function discordButtonState(components: unknown, ticketId: string): TicketButtonState {
  const state: TicketButtonState = { claimed: null, closed: null };
  const rows = Array.isArray(components) ? (components as { components?: unknown }[]) : [];
  for (const row of rows)
    for (const b of Array.isArray(row?.components) ? (row.components as Record<string, unknown>[]) : []) {
      if (b?.disabled !== true || typeof b.label !== 'string') continue;
      if (b.custom_id === ticketActionId('claim', ticketId) && b.style === SUCCESS) state.claimed = b.label;
      if (b.custom_id === ticketActionId('close', ticketId)) state.closed = b.label;
    }
  return state;
}
