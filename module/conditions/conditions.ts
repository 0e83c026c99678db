/**
 * Conditions: a CEL expression (Common Expression Language, through @marcbachmann/cel-js) a webhook
 * may hold, such as `order.total >= 100 && order.gateway == "stripe"`. It sees the event's payload
 * as the sdk defines it (one variable per top-level field: `order`, `ticket`, `message`,
 * `invoice`, `service`, `customer`, `reason`…) plus `event`, the event's name. It is parsed, type
 * checked against every event the webhook listens to and its cost bounded (condition-cost.ts) when it is saved; at
 * delivery it is evaluated on the payload, and an event passes only when it gives `true`.
 */
import { Environment, type ParseResult } from '@marcbachmann/cel-js';
import type { EventName } from '../../sdk/events.js';
import { definitionOf } from '../events/index.js';
import { celDeclaration, celShape, celValue, type CelShape, type RegisterListObject } from './cel-schema.js';
import { boundOf, conditionCost, type Bound } from './condition-cost.js';

/** The longest condition accepted, in characters. */
export const MAX_CONDITION_LENGTH = 1000;
/** Parse-time limits: what cel-js counts while parsing, before anything is checked. */
const limits = { maxAstNodes: 200, maxDepth: 24, maxListElements: 50, maxMapEntries: 50, maxCallArguments: 8 };

export interface ConditionProblem {
  /** The event the condition was checked against when it failed (absent: it fails for any). */
  event?: EventName;
  /** 1-based line and column in the expression. */
  line: number;
  column: number;
  /** The library's or our message, without the source excerpt. */
  message: string;
}

export type ConditionCheck = { ok: true; cost: number } | { ok: false; problem: ConditionProblem };

interface EventConditions {
  env: Environment;
  shape: Extract<CelShape, { kind: 'object' }>;
  /** What each variable may hold at most, for the cost estimate. */
  variables: Record<string, Bound>;
  /** Parsed and checked expressions, by source (bounded). */
  /** Compiled conditions with their cost (a second check of the same text reports the same cost). */
  programs: Map<string, { program: ParseResult; cost: number }>;
}

const perEvent = new Map<string, EventConditions>();
/** A payload's CEL values, made once for all the webhooks whose conditions read it. */
const contexts = new WeakMap<object, Record<string, unknown>>();
const PROGRAMS_KEPT = 512;

function conditionsOf(event: EventName): EventConditions {
  let entry = perEvent.get(event);
  if (entry) return entry;
  const shape = celShape(definitionOf(event).schema) as Extract<CelShape, { kind: 'object' }>;
  const env = new Environment({ limits, homogeneousAggregateLiterals: false }).registerVariable('event', 'string');
  // Objects inside lists are made as instances of a class of their own (celValue): cel-js reads
  // their fields as they are, where a `schema` type would convert each element on every access
  // (three times slower on an order's 50 lines).
  const registerListObject: RegisterListObject = (name, fields, objectShape) => {
    const ctor = class {};
    Object.defineProperty(ctor, 'name', { value: name });
    objectShape.ctor = ctor;
    env.registerType(name, { ctor, fields: fields as never });
  };
  for (const [name, field] of Object.entries(shape.fields)) {
    const declared = celDeclaration(field, registerListObject, [name]);
    if (field.kind === 'object') env.registerVariable({ name, schema: declared as never });
    else env.registerVariable(name, declared as string);
  }
  const variables = {
    ...Object.fromEntries(Object.entries(shape.fields).map(([k, v]) => [k, boundOf(v)])),
    event: boundOf({ kind: 'string', chars: 64 }),
  };
  entry = { env, shape, variables, programs: new Map() };
  perEvent.set(event, entry);
  return entry;
}

/** Line and column of an offset in `source`. */
function lineColumn(source: string, offset: number): { line: number; column: number } {
  const before = source.slice(0, Math.max(0, Math.min(offset, source.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

/** A cel-js error's message without its source excerpt, and its offset when it gives one. */
function described(err: unknown, source: string): { line: number; column: number; message: string } {
  const e = err as { message?: string; node?: { pos?: number }; pos?: number };
  const message = String(e.message ?? err)
    .split('\n')[0]
    .trim();
  const pos = e.node?.pos ?? e.pos ?? caretOffset(String(e.message ?? ''), source);
  return { ...lineColumn(source, pos), message };
}

/** cel-js draws a caret under the error: `>    1 | order.totl` then `         ^`. */
function caretOffset(message: string, source: string): number {
  const lines = message.split('\n');
  const at = lines.findIndex((l) => /^>\s+\d+ \| /.test(l));
  if (at < 0 || !lines[at + 1]) return 0;
  const gutter = lines[at].indexOf('| ') + 2;
  const column = lines[at + 1].indexOf('^') - gutter;
  const lineNo = Number(/^>\s+(\d+)/.exec(lines[at])![1]);
  const before = source
    .split('\n')
    .slice(0, lineNo - 1)
    .join('\n');
  return (lineNo > 1 ? before.length + 1 : 0) + Math.max(0, column);
}

/** Parses and checks `source` for `event`: syntax, types (a boolean result), cost. */
function compile(
  source: string,
  event: EventName,
): { ok: true; program: ParseResult; cost: number } | { ok: false; problem: ConditionProblem } {
  const c = conditionsOf(event);
  const kept = c.programs.get(source);
  if (kept) return { ok: true, ...kept };
  if (source.length > MAX_CONDITION_LENGTH)
    return { ok: false, problem: { line: 1, column: MAX_CONDITION_LENGTH + 1, message: `longer than ${MAX_CONDITION_LENGTH} characters` } };
  let program: ParseResult;
  try {
    program = c.env.parse(source);
  } catch (err) {
    return { ok: false, problem: described(err, source) };
  }
  const checked = program.check();
  if (!checked.valid) return { ok: false, problem: { event, ...described(checked.error, source) } };
  if (checked.type !== 'bool' && checked.type !== 'dyn')
    return { ok: false, problem: { event, line: 1, column: 1, message: `gives ${checked.type}, not a boolean (true or false)` } };
  // After the types: the cost follows what each part holds (a `+` of texts is costly, of numbers not).
  const cost = conditionCost(program.ast, c.variables, source);
  if (!cost.ok) return { ok: false, problem: { event, ...lineColumn(source, cost.position), message: cost.message } };
  if (c.programs.size >= PROGRAMS_KEPT) c.programs.clear();
  c.programs.set(source, { program, cost: cost.cost });
  return { ok: true, program, cost: cost.cost };
}

/** Whether `source` is a condition every one of `events` can evaluate; the first problem otherwise. */
export function checkCondition(source: string, events: readonly EventName[]): ConditionCheck {
  let cost = 0;
  for (const event of events) {
    const r = compile(source, event);
    if (!r.ok) return { ok: false, problem: r.problem.event === undefined ? r.problem : { ...r.problem, event } };
    cost = Math.max(cost, r.cost);
  }
  return { ok: true, cost };
}

/**
 * Whether `payload` (validated, of `event`) passes `source`. A condition that does not compile
 * for the event, fails while evaluating (a field that is absent) or gives anything but `true`
 * lets nothing through: a webhook is never sent what its condition did not allow.
 */
export function conditionMatches(source: string, event: EventName, payload: unknown): boolean {
  const r = compile(source, event);
  if (!r.ok) return false;
  let context = contexts.get(payload as object);
  if (!context) {
    context = { ...(celValue(conditionsOf(event).shape, payload) as Record<string, unknown>), event };
    contexts.set(payload as object, context);
  }
  try {
    return r.program(context) === true;
  } catch {
    return false;
  }
}
