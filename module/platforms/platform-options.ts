/**
 * A platform's own options, declared in its folder beside its format: each field's schema (what
 * an admin may send), its default, which fields a webhook cannot send without, and checks across
 * fields. A webhook stores the options of its platform only (the `options` column, migration
 * 011); the settings form and API validate against the chosen platform's schema; rendering reads
 * them through `filled`, which never fails.
 */
import { z } from 'zod';

/** A problem with one option: its name (dotted below it for a nested value) and a reason key. */
export interface OptionProblem {
  field: string;
  reason: string;
}

export interface PlatformOptions<O extends object = Record<string, unknown>> {
  /** The option names, in the order a row stores them. */
  fields: readonly string[];
  /** Any subset of the platform's fields, each checked; a name it does not have is refused. */
  schema: z.ZodType<Partial<O>>;
  /** Every field's default (a copy each call: the caller may change it). */
  defaults: () => O;
  /** Options a webhook of this platform cannot send without (the form refuses to save it). */
  required: readonly string[];
  /** Checks across fields, on what a save would leave (the stored options with the change over them). */
  check: (saved: Partial<O>) => OptionProblem[];
  /**
   * The platform's options from any object (a row, a draft, a test's options of every platform):
   * its own fields over its defaults, in its order, the others left out. Nothing is validated:
   * rendering is total, and a row is trusted as stored.
   */
  filled: (given: Readonly<Record<string, unknown>> | undefined) => O;
}

type Output<S extends z.ZodRawShape> = { [K in keyof S]: z.output<S[K]> };

export interface OptionRules<O> {
  required?: readonly (keyof O & string)[];
  check?: (saved: Partial<O>) => OptionProblem[];
}

/** A platform's options from each field's schema and default (`fields` keep the shape's order). */
export function defineOptions<S extends z.ZodRawShape>(
  shape: S,
  defaults: Output<S>,
  rules: OptionRules<Output<S>> = {},
): PlatformOptions<Output<S>> {
  const fields = Object.keys(shape);
  const copy = (): Output<S> => structuredClone(defaults);
  return {
    fields,
    schema: z.object(shape).partial().strict() as unknown as z.ZodType<Partial<Output<S>>>,
    defaults: copy,
    required: rules.required ?? [],
    check: rules.check ?? (() => []),
    filled: (given) => {
      const out = copy() as Record<string, unknown>;
      for (const field of fields) if (given && Object.hasOwn(given, field)) out[field] = given[field];
      return out as Output<S>;
    },
  };
}

/** A platform with nothing to set. */
export const noOptions = defineOptions({}, {});
