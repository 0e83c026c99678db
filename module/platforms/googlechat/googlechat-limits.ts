/**
 * Google Chat's published limits (docs/platforms.md cites them): a message is at most 32,000
 * bytes with its contents (spaces.messages.create); a thread key up to 4000 characters (the
 * discovery document's `Thread.threadKey`). The JSON body is kept under 30,000 bytes to leave room.
 */
export const GOOGLE_CHAT = { bytes: 30_000, threadKey: 4000 } as const;

export function googleChatProblems(body: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const bytes = Buffer.byteLength(JSON.stringify(body), 'utf8');
  if (bytes > GOOGLE_CHAT.bytes) problems.push(`message ${bytes} bytes > ${GOOGLE_CHAT.bytes}`);
  if (typeof body.text !== 'string' || body.text.trim() === '') problems.push('text is empty');
  return problems;
}
