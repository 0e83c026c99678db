/**
 * The worst-case cost of a parsed condition, estimated from its syntax tree before it is saved
 * (in the spirit of cel-go's cost estimator): each node costs 1; a text function (contains,
 * startsWith…) costs as much as scanning TEXT_CAP characters; a macro over a list (all, exists,
 * map, filter…) costs its body LIST_CAP times, so nesting multiplies. The payloads a condition
 * sees are cut to those caps (cel-schema.ts), so an accepted condition's evaluation is bounded
 * whatever the event holds. `matches` is refused outright: JavaScript's regular expressions
 * backtrack, so one pattern could hold the host (CEL's own engine, RE2, does not).
 */
import { LIST_CAP, TEXT_CAP } from './cel-schema.js';

/** The most a condition may cost (its estimate); ~ a few hundred microseconds of evaluation at worst. */
export const MAX_CONDITION_COST = 20_000;
/** What scanning one capped text costs, in nodes (4096 characters ~ 16 node visits). */
const TEXT_SCAN = TEXT_CAP / 256;

const macros = new Set(['all', 'exists', 'exists_one', 'map', 'filter', 'sortBy']);
const textFunctions = new Set([
  'contains',
  'startsWith',
  'endsWith',
  'indexOf',
  'lastIndexOf',
  'lowerAscii',
  'upperAscii',
  'trim',
  'replace',
  'split',
  'substring',
  'join',
  'string',
]);
/** Functions refused whatever their cost, with why. */
export const refusedFunctions: Readonly<Record<string, string>> = {
  matches: 'regular expressions are not allowed in conditions (use contains, startsWith or endsWith)',
};

interface Node {
  op: string;
  args: unknown;
  pos?: number;
}
const isNode = (x: unknown): x is Node => typeof x === 'object' && x !== null && 'op' in x && 'args' in x;

export type CostResult = { ok: true; cost: number } | { ok: false; position: number; message: string };

/** The estimated cost of `ast`, or why it is refused and where. */
export function conditionCost(ast: unknown): CostResult {
  try {
    return { ok: true, cost: costOf(ast) };
  } catch (err) {
    if (err instanceof Refused) return { ok: false, position: err.position, message: err.message };
    throw err;
  }
}

class Refused extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

function children(args: unknown): Node[] {
  if (isNode(args)) return [args];
  if (!Array.isArray(args)) return [];
  return args.flatMap((a) => (isNode(a) ? [a] : Array.isArray(a) ? children(a) : []));
}

function costOf(node: unknown): number {
  if (!isNode(node)) return 0;
  const name =
    (node.op === 'call' || node.op === 'rcall') && Array.isArray(node.args) && typeof node.args[0] === 'string' ? node.args[0] : null;
  if (name !== null && refusedFunctions[name]) throw new Refused(refusedFunctions[name], node.pos ?? 0);
  const parts = children(node.args);
  if (name !== null && node.op === 'rcall' && macros.has(name)) {
    // args: [name, receiver, [variable, body…]]: the receiver once, the body once per element.
    const [receiver, ...body] = parts;
    return 1 + costOf(receiver) + LIST_CAP * body.reduce((sum, b) => sum + costOf(b), 1);
  }
  const own = name !== null && textFunctions.has(name) ? TEXT_SCAN : 1;
  return parts.reduce((sum, child) => sum + costOf(child), own);
}
