/**
 * Golden bodies: every platform's request (body, query, plain text) for the sample corpus and the
 * hostile corpus, compared with test/fixtures/golden/platform-bodies.json, recorded from the code
 * before platforms became a registry (issue 24). A refactor that changes one byte of one body
 * fails here and names the case.
 *
 * The file maps a hash of each input (platform, event, payload, template, options, locale) to a
 * hash of what was rendered, so an input the corpus no longer produces is skipped rather than
 * wrongly compared; the fixed cases must all be present. A deliberate change of bodies
 * re-records the file: `GOLDEN_UPDATE=1 npx jest platform-golden`, and the commit says why.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { validateEvent, type EventName } from '../../../sdk/events.js';
import { combineBodies, renderMessage } from '../../../module/rendering/index.js';
import { defaultOptions, type Platform } from '../../../module/webhooks/webhook.js';
import { hostileCorpus } from '../../../bench/support/hostile-corpus.js';
import { payloadCases } from '../../faults/payload-cases.js';
import { options as optionsArb, template as templateArb, validEvent } from './arbitraries.js';
import { fixedCases, optionGrid, randomCases, SEED, ticketLife, type Case } from './corpus.js';
import { hostileTicket, sample } from './helpers.js';

/** The platforms that existed when the file was recorded (Google Chat has its own conformance tests). */
const recorded: Platform[] = ['discord', 'slack', 'mattermost', 'rocketchat', 'teams', 'telegram', 'json'];
const coalescing: Platform[] = ['discord', 'slack', 'mattermost', 'rocketchat'];
const goldenFile = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../fixtures/golden/platform-bodies.json');
const updating = process.env.GOLDEN_UPDATE === '1';

const hash = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 24);

function rendered(platform: Platform, c: Case) {
  const templates = c.template === undefined ? {} : { order: c.template, ticket: c.template };
  const m = renderMessage({
    webhook: { platform, templates, options: { ...defaultOptions(), ...c.options } },
    event: c.event,
    payload: c.payload,
    locale: c.locale,
    timeZone: 'Europe/Paris',
  });
  return { body: m.body, query: m.query ?? null, text: m.text ?? null };
}

const events: EventName[] = ['order.paid', 'ticket.submit', 'ticket.reply', 'ticket.close'];
const templates = [undefined, '**%subject%** %url% %email%\n%content%\n<%url%|Ouvrir> <!%subject%>', '%customer% — %name% (%email%)'];

/** The host's sample events, in both languages, with every option combination the platform reads. */
function sampleCases(platform: Platform): Case[] {
  return events.flatMap((event) =>
    [1, 2].flatMap((seq) =>
      (['fr', 'en'] as const).flatMap((locale) =>
        optionGrid(platform).flatMap((options) =>
          templates.map((template) => ({ event, payload: sample(event, seq), template, options, locale })),
        ),
      ),
    ),
  );
}

/** Hostile tickets: mention floods, HTML, the slow-HTML corpus, and the fault tests' accepted payloads. */
function hostileCases(platform: Platform): Case[] {
  const cases: Case[] = [...fixedCases(platform)];
  for (const event of ['ticket.submit', 'ticket.reply'] as const)
    for (const options of optionGrid(platform))
      for (const template of templates) cases.push({ event, payload: hostileTicket(event), template, options, locale: 'fr' });
  for (const h of hostileCorpus) {
    const base = sample('ticket.submit');
    cases.push({
      event: 'ticket.submit',
      payload: { ...base, message: { ...base.message, content: h.content } },
      options: {},
      locale: 'fr',
    });
  }
  for (const p of payloadCases()) {
    if (p.expect.kind === 'rejected') continue;
    const r = validateEvent(p.event, JSON.parse(p.body.toString('utf8')));
    if (r.ok) cases.push({ event: p.event, payload: r.value, options: {}, locale: 'en' });
  }
  return cases;
}

/** Coalesced requests: random batches and one ticket's whole life, as the conformance test builds them. */
function coalescedBatches(platform: Platform): Case[][] {
  const batches = fc.sample(fc.tuple(fc.array(fc.tuple(validEvent, templateArb), { minLength: 2, maxLength: 10 }), optionsArb), {
    seed: SEED,
    numRuns: 40,
  });
  const cases: Case[][] = batches.map(([items, options]) =>
    items.map(([{ event, payload }, template]) => ({ event, payload, template, options, locale: 'fr' as const })),
  );
  for (const options of optionGrid(platform))
    for (const template of [undefined, '**%subject%**\n%content%'])
      cases.push(ticketLife().map(({ event, payload }) => ({ event, payload, template, options, locale: 'fr' as const })));
  return cases;
}

type Golden = Record<string, Record<string, string>>;

/** Every input of one platform, keyed by its hash, with the hash of what it rendered. */
function renderAll(platform: Platform): { fixed: Map<string, string>; random: Map<string, string> } {
  const fixed = new Map<string, string>();
  const random = new Map<string, string>();
  const key = (kind: string, input: unknown) => hash([platform, kind, input]);
  for (const c of [...sampleCases(platform), ...hostileCases(platform)]) fixed.set(key('one', c), hash(rendered(platform, c)));
  for (const c of randomCases) random.set(key('one', c), hash(rendered(platform, c)));
  if (coalescing.includes(platform))
    for (const batch of coalescedBatches(platform)) {
      const bodies = batch.map((c) => rendered(platform, c));
      const combined = combineBodies(
        platform,
        bodies.map((b) => b.body),
      );
      random.set(key('batch', batch), hash({ combined, query: bodies[0].query }));
    }
  return { fixed, random };
}

describe('every platform renders byte-identical bodies to the recorded golden file', () => {
  const golden: Golden = existsSync(goldenFile) ? (JSON.parse(readFileSync(goldenFile, 'utf8')) as Golden) : {};
  const recording: Golden = {};
  afterAll(() => {
    if (!updating) return;
    mkdirSync(path.dirname(goldenFile), { recursive: true });
    writeFileSync(goldenFile, JSON.stringify(recording, null, 1) + '\n');
  });

  for (const platform of recorded) {
    it(`${platform}: the sample, hostile, random and coalesced corpora`, () => {
      const { fixed, random } = renderAll(platform);
      if (updating) {
        recording[platform] = Object.fromEntries([...fixed, ...random]);
        return;
      }
      const want = golden[platform] ?? {};
      const changed: string[] = [];
      let missingFixed = 0;
      let comparedRandom = 0;
      for (const [k, v] of fixed) {
        if (!(k in want)) missingFixed++;
        else if (want[k] !== v) changed.push(k);
      }
      for (const [k, v] of random)
        if (k in want) {
          comparedRandom++;
          if (want[k] !== v) changed.push(k);
        }
      expect(fixed.size).toBeGreaterThan(50);
      expect({ changed, missingFixed }).toEqual({ changed: [], missingFixed: 0 });
      // The random corpus comes from the shared arbitraries; if they change, re-record on the
      // commit before the change to keep comparing it.
      expect(comparedRandom).toBeGreaterThanOrEqual(200);
    });
  }
});
