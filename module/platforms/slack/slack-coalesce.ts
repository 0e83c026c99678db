/** Slack, Mattermost, Rocket.Chat coalescing: texts joined with a blank line within the text limit, blocks concatenated within 50. */
import type { MessageBody } from '../../text/var-value.js';
import { sameSettings } from '../body-shape.js';
import { slackProblems } from '../limits.js';

export function mergeSlack(textLimit: number, a: MessageBody, b: MessageBody): MessageBody | null {
  if (typeof a.text !== 'string' || typeof b.text !== 'string') return null;
  if (Array.isArray(a.blocks) !== Array.isArray(b.blocks)) return null;
  if (!sameSettings(a, b, ['text', 'blocks'])) return null;
  const merged: MessageBody = { ...a, text: `${a.text}\n\n${b.text}` };
  if (Array.isArray(a.blocks) && Array.isArray(b.blocks)) merged.blocks = [...a.blocks, ...b.blocks];
  return slackProblems(merged, textLimit).length === 0 ? merged : null;
}
