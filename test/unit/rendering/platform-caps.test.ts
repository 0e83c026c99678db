/**
 * Cutting customer values to what a platform can show before formatting (platform-caps.ts) is
 * only an optimisation: for long tickets (HTML and plain text, Markdown characters, mentions,
 * entities, astral characters at the cut, whitespace runs, control and zero-width characters)
 * and random templates and options, every platform's request (body and query) is byte-identical
 * with and without it.
 */
import fc from 'fast-check';
import { validateEvent, type EventMap } from '../../../sdk/events.js';
import { computeVariables } from '../../../module/rendering/variables.js';
import { capForPlatform } from '../../../module/rendering/platform-caps.js';
import { renderWithTemplate } from '../../../module/rendering/render-message.js';
import { platforms, type Platform } from '../../../module/webhooks/webhook.js';
import { options as optionsArb, template as templateArb } from './arbitraries.js';
import { sample } from './helpers.js';

const units = fc.constantFrom(
  'Le serveur ne répond plus. ',
  '*gras* _it_ `code` ~~barré~~ [lien](https://evil.example) ',
  '@everyone @here <@123456789012345678> <!channel> ',
  '&amp; &lt; &#128512; &eacute; ',
  '<b>gras</b> <i>x</i> <a href="https://example.com/a">lien</a> <p>para</p> ',
  '😀😀😀',
  '   \n\n\t  ',
  '\u200B\u200D\uFEFF\u0007',
  '# titre\n> cite\n- item\n',
);

/** A ticket whose content is `n` units long, from the pieces above, possibly HTML. */
const longTicket = fc
  .record({ pieces: fc.array(units, { minLength: 1, maxLength: 8 }), size: fc.integer({ min: 3000, max: 45_000 }) })
  .map(({ pieces, size }) => {
    let content = '';
    for (let i = 0; content.length < size; i++) content += pieces[i % pieces.length];
    const base = sample('ticket.submit');
    const checked = validateEvent('ticket.submit', {
      ...base,
      ticket: { ...base.ticket, subject: content.slice(0, 1000) },
      message: { ...base.message!, content: content.slice(0, size) },
    });
    if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
    return checked.value as EventMap['ticket.submit'];
  });

describe('capForPlatform', () => {
  it.each(platforms as readonly Platform[])('leaves every %s body byte-identical for long tickets', (platform) => {
    fc.assert(
      fc.property(
        longTicket,
        templateArb,
        optionsArb,
        fc.constantFrom('fr' as const, 'en' as const),
        (payload, template, options, locale) => {
          const vars = computeVariables('ticket.submit', payload, locale, 'Europe/Paris');
          const args = { template, event: 'ticket.submit' as const, payload, platform, locale, timeZone: 'Europe/Paris', options };
          const whole = renderWithTemplate({ ...args, vars });
          const capped = renderWithTemplate({ ...args, vars: capForPlatform(vars, platform) });
          // What is sent: the body and the query (`text`, the whole plain rendering, is not sent).
          expect(JSON.stringify([capped.body, capped.query])).toBe(JSON.stringify([whole.body, whole.query]));
        },
      ),
      { numRuns: 25, seed: 20261201 },
    );
  });

  it('cuts the values a platform cannot show, and leaves the rest alone', () => {
    const payload = sample('ticket.submit');
    const vars = computeVariables(
      'ticket.submit',
      { ...payload, message: { ...payload.message!, content: 'x'.repeat(30_000) } },
      'fr',
      'UTC',
    );
    expect(capForPlatform(vars, 'discord').content.text.length).toBe(4098);
    expect(capForPlatform(vars, 'telegram').content.untrusted!.markdown.length).toBe(4098);
    expect(capForPlatform(vars, 'slack')).toBe(vars);
    expect(capForPlatform(vars, 'json')).toBe(vars);
    expect(capForPlatform(vars, 'discord').subject).toBe(vars.subject);
  });
});
