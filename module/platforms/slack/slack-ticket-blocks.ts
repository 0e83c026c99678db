/**
 * A ticket message's interactive blocks on Slack: an `actions` block with Reply, Claim and Close
 * buttons and an `input` block whose `plain_text_input` dispatches its value when Enter is pressed
 * (`dispatch_action`), so an answer can be typed without a modal (the fallback when the app has
 * no bot token for `views.open`). Incoming webhooks of a Slack app with interactivity deliver these
 * to the app's Request URL. After a claim or a close the helpdesk replaces the message (its
 * `response_url`) with the same blocks in their new state: Slack buttons cannot be disabled, so a
 * done action's button goes and a context line says who did it.
 */
import type { ActionsBlock, Button, ContextBlock, InputBlock, KnownBlock, ModalView } from '@slack/types';
import { replyModalId, ticketActionId, type TicketButtonState, type TicketButtonWords } from '../ticket-actions.js';
import { cutUnits } from '../../text/untrusted-text.js';

/** Block Kit limits (reference/block-kit/composition-objects, block elements): */
const BUTTON_TEXT_MAX = 75;
const LABEL_MAX = 2000;
const CONTEXT_TEXT_MAX = 3000;
/** plain_text_input max_length is at most 3000. */
export const SLACK_INPUT_MAX = 3000;

/** The block_ids of the blocks this file writes: an update replaces exactly these. */
const OURS = { claimed: 'ticket-claimed', closed: 'ticket-closed', actions: 'ticket-actions', answer: 'ticket-answer' } as const;
const ourIds: ReadonlySet<string> = new Set(Object.values(OURS));

const plain = (text: string, max: number) => ({
  type: 'plain_text' as const,
  text: cutUnits(text.replace(/\s+/g, ' ').trim(), max) || '…',
  emoji: false,
});

const context = (blockId: string, text: string): ContextBlock => ({
  type: 'context',
  block_id: blockId,
  elements: [plain(text, CONTEXT_TEXT_MAX)],
});

export function slackTicketBlocks(ticketId: string, words: TicketButtonWords, state: TicketButtonState): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  if (state.claimed !== null) blocks.push(context(OURS.claimed, state.claimed));
  if (state.closed !== null) {
    blocks.push(context(OURS.closed, state.closed));
    return blocks;
  }
  const button = (action: 'reply' | 'claim' | 'close', text: string, style?: 'primary' | 'danger'): Button => ({
    type: 'button',
    action_id: ticketActionId(action, ticketId),
    value: ticketId,
    text: plain(text, BUTTON_TEXT_MAX),
    ...(style ? { style } : {}),
  });
  const actions: ActionsBlock = {
    type: 'actions',
    block_id: OURS.actions,
    elements: [
      button('reply', words.reply, 'primary'),
      ...(state.claimed === null ? [button('claim', words.claim)] : []),
      button('close', words.close, 'danger'),
    ],
  };
  const answer: InputBlock = {
    type: 'input',
    block_id: OURS.answer,
    dispatch_action: true,
    optional: true,
    label: plain(words.answer, LABEL_MAX),
    element: {
      type: 'plain_text_input',
      action_id: ticketActionId('reply', ticketId),
      max_length: SLACK_INPUT_MAX,
      dispatch_action_config: { trigger_actions_on: ['on_enter_pressed'] },
    },
  };
  blocks.push(actions, answer);
  return blocks;
}

interface ReadBlock {
  block_id?: unknown;
  elements?: { text?: unknown }[];
}

/** The state a message's blocks show now (Slack sends the message with a `block_actions` payload). */
export function slackButtonState(blocks: unknown): TicketButtonState {
  const state: TicketButtonState = { claimed: null, closed: null };
  for (const b of Array.isArray(blocks) ? (blocks as ReadBlock[]) : []) {
    const text = Array.isArray(b?.elements) && typeof b.elements[0]?.text === 'string' ? b.elements[0].text : null;
    if (b?.block_id === OURS.claimed && text) state.claimed = text;
    if (b?.block_id === OURS.closed && text) state.closed = text;
  }
  return state;
}

/** The message's own blocks (the ticket's text), without the interactive ones this file wrote. */
export function slackMessageBlocks(blocks: unknown): KnownBlock[] {
  return (Array.isArray(blocks) ? (blocks as KnownBlock[]) : []).filter(
    (b) => b && typeof b === 'object' && !(typeof b.block_id === 'string' && ourIds.has(b.block_id)),
  );
}

/** The words of the answer modal (module lang keys `helpdesk.slack.modal_*`). */
export interface SlackModalWords {
  title: string;
  submit: string;
  close: string;
  label: string;
}

/** Block Kit: a modal's title, submit and close texts are at most 24 characters. */
const MODAL_TEXT_MAX = 24;
/** The answer's block and input in the modal: a `view_submission` reads `state.values[block][action]`. */
export const MODAL_ANSWER = { block: 'ticket-answer', action: 'content' } as const;

/** The modal Reply opens (`views.open`): one multi-line answer, submitted as a `view_submission`. */
export function slackReplyModal(ticketId: string, words: SlackModalWords): ModalView {
  return {
    type: 'modal',
    callback_id: replyModalId(ticketId),
    title: plain(words.title, MODAL_TEXT_MAX),
    submit: plain(words.submit, MODAL_TEXT_MAX),
    close: plain(words.close, MODAL_TEXT_MAX),
    blocks: [
      {
        type: 'input',
        block_id: MODAL_ANSWER.block,
        label: plain(words.label, LABEL_MAX),
        element: { type: 'plain_text_input', action_id: MODAL_ANSWER.action, multiline: true, min_length: 1, max_length: SLACK_INPUT_MAX },
      },
    ],
  };
}
