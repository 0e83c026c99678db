/**
 * An event's payload as a condition sees it: its zod schema read as CEL types (the declaration the
 * type checker uses) and each payload turned into matching CEL values. Numbers declared integer
 * are CEL `int` (BigInt), other numbers `double`; ids that may be a string or a number are
 * `string`; an absent or null text is `""`, an absent number `0`; an absent object stays absent
 * (`has(ticket.related)` tells). Texts are cut to TEXT_CAP characters (or their schema's maximum
 * length, when shorter; a transform such as a URL's encoding may lengthen them) and lists to
 * LIST_CAP elements, so no payload makes an expression slow (see condition-cost.ts).
 */
import type { z } from 'zod';

/** The characters of a text a condition sees (a ticket message may hold a million). */
export const TEXT_CAP = 4096;
/** The elements of a list a condition sees (an order may hold a thousand lines). */
export const LIST_CAP = 50;

/** What a schema node is for a condition: a CEL type, and how a value of it is converted. */
export type CelShape =
  | { kind: 'string'; chars: number }
  | { kind: 'int' | 'double' | 'bool' }
  | { kind: 'list'; element: CelShape }
  | { kind: 'object'; fields: Record<string, CelShape>; optional: boolean; ctor?: new () => object };

/**
 * Registers, for a condition's environment, the type of the objects inside a list (their
 * declared fields); it may set `shape.ctor`, the class celValue then makes them of.
 */
export type RegisterListObject = (name: string, fields: Record<string, unknown>, shape: Extract<CelShape, { kind: 'object' }>) => void;

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  checks?: { _zod: { def: { format?: string; check?: string; maximum?: number } } }[];
}
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The CEL shape of a zod schema (the sdk's event schemas use objects, arrays, strings, numbers, booleans, enums). */
export function celShape(schema: z.ZodType, optional = false): CelShape {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'nullable':
      return celShape(def.innerType!, true);
    case 'pipe':
      return celShape(def.in!, optional);
    case 'string': {
      // A text is cut to its schema's maximum length too, so the cost estimate can count on it.
      const max = def.checks?.map((c) => c._zod.def).find((c) => c.check === 'max_length')?.maximum;
      return { kind: 'string', chars: Math.min(max ?? TEXT_CAP, TEXT_CAP) };
    }
    case 'enum':
    case 'union':
      return { kind: 'string', chars: TEXT_CAP };
    case 'boolean':
      return { kind: 'bool' };
    case 'number':
      return { kind: def.checks?.some((c) => c._zod.def.format === 'safeint') ? 'int' : 'double' };
    case 'array':
      return { kind: 'list', element: celShape(def.element!) };
    case 'object':
      return { kind: 'object', optional, fields: Object.fromEntries(Object.entries(def.shape!).map(([k, v]) => [k, celShape(v)])) };
    default:
      throw new Error(`webhooks: no CEL type for a zod ${def.type}`);
  }
}

/**
 * The type cel-js declares for a shape (`schema` objects for objects, `list<…>` strings
 * otherwise). An object inside a list gets a type of its own, named after its path
 * (`order_items`), through `registerListObject`: its fields are then typed too, so
 * `order.items.exists(i, i.price + 1 > 10)` is refused on save (double + int) instead of being
 * accepted as `dyn` and failing on every event.
 */
export function celDeclaration(shape: CelShape, registerListObject: RegisterListObject, path: string[], inList = false): unknown {
  switch (shape.kind) {
    case 'object': {
      const fields = Object.fromEntries(
        Object.entries(shape.fields).map(([k, v]) => [k, celDeclaration(v, registerListObject, [...path, k], inList)]),
      );
      if (!inList) return fields;
      const name = path.join('_');
      registerListObject(name, fields, shape);
      return name;
    }
    case 'list':
      return `list<${celDeclaration(shape.element, registerListObject, path, true) as string}>`;
    default:
      return shape.kind;
  }
}

/** A validated payload value as the condition sees it. */
export function celValue(shape: CelShape, value: unknown): unknown {
  switch (shape.kind) {
    case 'string':
      return value === null || value === undefined ? '' : String(value).slice(0, shape.chars);
    case 'int':
      return BigInt(Math.trunc(Number(value ?? 0)));
    case 'double':
      return Number(value ?? 0);
    case 'bool':
      return Boolean(value);
    case 'list':
      return Array.isArray(value) ? value.slice(0, LIST_CAP).map((v) => celValue(shape.element, v)) : [];
    case 'object': {
      const source = (value ?? {}) as Record<string, unknown>;
      const out = (shape.ctor ? new shape.ctor() : {}) as Record<string, unknown>;
      for (const [k, field] of Object.entries(shape.fields)) {
        // An absent object stays absent (has() tells); any other absent field gets its empty value.
        if (field.kind === 'object' && field.optional && (source[k] === null || source[k] === undefined)) continue;
        out[k] = celValue(field, source[k]);
      }
      return out;
    }
  }
}
