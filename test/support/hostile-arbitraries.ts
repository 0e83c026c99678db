/**
 * fast-check arbitraries the hostile-input tests share (the handlers called directly in
 * test/unit/helpdesk/, and over HTTP in test/integration/helpdesk-http-fuzz.test.ts): a field's
 * real shape or anything at all, and the names a ticket's buttons carry, real and forged.
 */
import fc from 'fast-check';

/** The field as the platform would send it, or any value at all in its place. */
export const anyOr = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof(arb, fc.anything());

/**
 * A button's custom_id / action_id: well-formed for each action on the given tickets, near misses
 * (extra or missing parts, other actions, case, spaces, non-ASCII digits, over 64 characters), or
 * any string.
 */
export const ticketActionIds = (ticketIds: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof(
    fc
      .tuple(fc.constantFrom('reply', 'claim', 'close', 'reply-modal'), fc.constantFrom(...ticketIds))
      .map(([action, id]) => `ticket:${action}:${id}`),
    fc.constantFrom(
      ...ticketIds.flatMap((id) => [`ticket:claim:${id}:x`, `ticket:CLOSE:${id}`, ` ticket:close:${id}`, `ticket:claim:${id}\n`]),
      'ticket:claim:',
      'ticket:delete:1',
      'ticket:claim:١',
      'ticket:claim:../1',
      `ticket:claim:${'9'.repeat(65)}`,
    ),
    fc.string(),
  );
