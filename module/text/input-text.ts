/**
 * What typed text may hold, for every schema that reads an admin's input (the webhook form and
 * API, each platform's options). Text is stored and shown as typed, so what is not text is dealt
 * with here: a control character (NUL is refused by PostgreSQL, breaks a page or a log line) is
 * refused with the field named; a lone UTF-16 surrogate (a JSON `"\ud800"`) becomes U+FFFD, as a
 * UTF-8 decoder would make it.
 */
import { z } from 'zod';
import { wellFormed } from '../../sdk/events.js';

export const anyControl = /\p{Cc}/u;
export const controlButLineBreaks = /(?![\t\n\r])\p{Cc}/u;
/** Right-to-left overrides, isolates and marks: they can make a name read as another in the list. */
export const bidiControl = /\p{Bidi_Control}/u;
/** A name must show something: not only spaces, format characters or fillers (U+3164, U+200B…). */
export const visibleName = (s: string) => s.replace(/[\p{Cf}\p{Z}\s\p{Default_Ignorable_Code_Point}]/gu, '') !== '';

/** One line of text: no control character, lone surrogates mended. */
export const oneLine = (schema: z.ZodString) => schema.refine((s) => !anyControl.test(s), 'control_chars').transform(wellFormed);

/** An optional one-line text: trimmed, and blank (or null) means none (null). */
export const nullableText = (max: number) =>
  z
    .string()
    .max(max, 'too_long')
    .refine((s) => !anyControl.test(s), 'control_chars')
    .transform(wellFormed)
    .nullable()
    .transform((s) => (s === null || s.trim() === '' ? null : s.trim()));
