/**
 * The worst-case cost of a type-checked condition, estimated from its syntax tree before it is
 * saved (in the spirit of cel-go's cost estimator). Beside the cost it follows a bound on what each
 * sub-expression may hold: a text's length, a list's length and its elements, from the event's
 * schema (cel-js types a list element's fields as `dyn`) or else from the checker's types. The
 * payloads a condition sees are cut to those bounds (cel-schema.ts: TEXT_CAP characters or the
 * schema's shorter maximum, LIST_CAP elements), so an accepted condition's evaluation is bounded
 * whatever the event holds. A unit is ~10 ns of evaluation on the bench machine:
 *
 * - visiting a node costs NODE (4);
 * - a text function that reads a text (contains, startsWith, size…) costs one per 64 characters it
 *   may read (a whole capped text: TEXT_SCAN, 64);
 * - building a text costs one per character it may hold: `+` where either side is a text (the sum
 *   of both lengths), lowerAscii, upperAscii, trim, substring, split, join, string(). `+` of
 *   numbers builds nothing. This is dearer than what copying costs, on purpose: what is allocated
 *   per evaluation is what makes the garbage collector pause;
 * - building a list costs NODE per element (`+` of lists, map, filter, split);
 * - a macro over a list (all, exists, exists_one, map, filter) costs its body once per element the
 *   list may hold (LIST_CAP for a payload's list, its two sides for `+` of lists, a text's length
 *   + 1 for split), so nesting multiplies.
 *
 * A refusal names the estimate and the part that costs the most (which text or list it builds or
 * reads, and how many times). `matches` is refused outright: JavaScript's regular expressions
 * backtrack, so one pattern could hold the host (CEL's own engine, RE2, does not).
 */
import { LIST_CAP, TEXT_CAP, type CelShape } from './cel-schema.js';

/** The most a condition may cost (its estimate): a unit is ~10 ns of evaluation, so ~0.2 ms at worst. */
export const MAX_CONDITION_COST = 20_000;
/** Visiting a node (or running a macro's body once, or adding an element to a list built): ~40 ns. */
const NODE = 4;
/** Characters read per unit of cost when a text is scanned. */
const SCAN_CHARS = 64;
/** What scanning one capped text costs (4096 characters ~ 16 node visits). */
export const TEXT_SCAN = TEXT_CAP / SCAN_CHARS;

const macros = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);
/** Functions that read their receiver's text (and their arguments') without building a new one. */
const scanFunctions = new Set(['contains', 'startsWith', 'endsWith', 'indexOf', 'lastIndexOf', 'size', 'int', 'double', 'uint']);
/** Functions that build a text as long as their receiver's. */
const copyFunctions = new Set(['lowerAscii', 'upperAscii', 'trim', 'substring']);
/** Functions refused whatever their cost, with why. */
export const refusedFunctions: Readonly<Record<string, string>> = {
  matches: 'regular expressions are not allowed in conditions (use contains, startsWith or endsWith)',
};

/** What a sub-expression may hold at most. */
export type Bound =
  | { kind: 'text'; chars: number }
  | { kind: 'list'; count: number; element: Bound }
  | { kind: 'object'; fields: Record<string, Bound> | null }
  | { kind: 'scalar' }
  | { kind: 'dyn' };

const text = (chars: number): Bound => ({ kind: 'text', chars });
const SCALAR: Bound = { kind: 'scalar' };
const DYN: Bound = { kind: 'dyn' };

/** The bound of a value of a schema shape (as cel-schema.ts caps it). */
export function boundOf(shape: CelShape): Bound {
  switch (shape.kind) {
    case 'string':
      return text(shape.chars);
    case 'list':
      return { kind: 'list', count: LIST_CAP, element: boundOf(shape.element) };
    case 'object':
      return { kind: 'object', fields: Object.fromEntries(Object.entries(shape.fields).map(([k, v]) => [k, boundOf(v)])) };
    default:
      return SCALAR;
  }
}

/** The bound of a value of a cel-js type name, when the schema does not tell (`list<string>`, `map<dyn, dyn>`…). */
function boundOfType(name: string | undefined): Bound {
  if (!name || name === 'dyn') return DYN;
  if (name === 'string') return text(TEXT_CAP);
  const list = /^list<(.*)>$/.exec(name);
  if (list) return { kind: 'list', count: LIST_CAP, element: boundOfType(list[1]) };
  if (name === 'list') return { kind: 'list', count: LIST_CAP, element: DYN };
  if (name.startsWith('map') || name.startsWith('$')) return { kind: 'object', fields: null };
  return SCALAR;
}

/** The larger of two bounds (the two branches of `?:`, a list literal's elements). */
function widest(a: Bound, b: Bound): Bound {
  if (a.kind === 'text' && b.kind === 'text') return text(Math.max(a.chars, b.chars));
  if (a.kind === 'list' && b.kind === 'list')
    return { kind: 'list', count: Math.max(a.count, b.count), element: widest(a.element, b.element) };
  if (a.kind === b.kind && a.kind !== 'object') return a;
  return a.kind === 'dyn' || b.kind === 'dyn' || a.kind !== b.kind ? DYN : { kind: 'object', fields: null };
}

interface Node {
  op: string;
  args: unknown;
  pos?: number;
  start?: number;
  end?: number;
  checkedType?: { name?: string };
}
const isNode = (x: unknown): x is Node => typeof x === 'object' && x !== null && 'op' in x && 'args' in x;

export type CostResult = { ok: true; cost: number } | { ok: false; position: number; message: string };

const n = (x: number): string => x.toLocaleString('en-US');

/** A part of the cost worth naming in a refusal: what it builds or reads, and how many times. */
interface Charge {
  node: Node;
  what: string;
  cost: number;
}

/**
 * The estimated cost of `ast` (type-checked: its nodes carry cel-js's `checkedType`), whose
 * variables hold `variables`, or why it is refused and where. `source` is quoted in the refusal.
 */
export function conditionCost(ast: unknown, variables: Record<string, Bound>, source: string): CostResult {
  const estimate = new Estimate(source);
  try {
    estimate.of(ast, new Map(Object.entries(variables)), 1);
  } catch (err) {
    if (err instanceof Refused) return { ok: false, position: err.position, message: err.message };
    throw err;
  }
  if (estimate.total <= MAX_CONDITION_COST) return { ok: true, cost: estimate.total };
  const worst = estimate.charges.reduce<Charge | null>((w, c) => (w && w.cost >= c.cost ? w : c), null);
  const why = worst ? `; the costliest part: ${worst.what} (${n(worst.cost)})` : '';
  return {
    ok: false,
    position: worst?.node.pos ?? 0,
    message: `too costly to evaluate (estimated ${n(estimate.total)}, at most ${n(MAX_CONDITION_COST)})${why}`,
  };
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

const scan = (b: Bound): number => (b.kind === 'text' ? Math.max(1, Math.ceil(b.chars / SCAN_CHARS)) : b.kind === 'dyn' ? TEXT_SCAN : 0);
const charsOf = (b: Bound): number => (b.kind === 'text' ? b.chars : b.kind === 'dyn' ? TEXT_CAP : 0);
const countOf = (b: Bound): number =>
  b.kind === 'list' ? b.count : b.kind === 'object' && b.fields ? Object.keys(b.fields).length : LIST_CAP;
const elementOf = (b: Bound): Bound => (b.kind === 'list' ? b.element : b.kind === 'object' ? text(64) : DYN);

class Estimate {
  total = 0;
  readonly charges: Charge[] = [];
  constructor(private readonly source: string) {}

  /** Adds `cost` (already multiplied by the enclosing macros' iterations) and remembers why, if it is large. */
  private charge(node: Node, cost: number, what: (times: string) => string, times: number): void {
    this.total += cost;
    if (cost >= 100) this.charges.push({ node, cost, what: what(times > 1 ? `, ${n(times)} times` : '') });
  }

  private quote(node: Node): string {
    const s = node.start !== undefined && node.end !== undefined ? this.source.slice(node.start, node.end) : node.op;
    return '`' + (s.length > 60 ? s.slice(0, 57) + '…' : s) + '`';
  }

  /** The bound of `node`'s value; adds its cost, evaluated `times` times, to the total. */
  of(node: unknown, scope: Map<string, Bound>, times: number): Bound {
    if (!isNode(node)) return DYN;
    this.total += NODE * times;
    const typed = boundOfType(node.checkedType?.name);
    switch (node.op) {
      case 'value':
        return typeof node.args === 'string' ? text(node.args.length) : SCALAR;
      case 'id':
        return scope.get(node.args as string) ?? typed;
      case '.':
      case '.?': {
        const [left, field] = node.args as [unknown, string];
        const object = this.of(left, scope, times);
        return (object.kind === 'object' && object.fields?.[field]) || typed;
      }
      case '[]':
      case '[?]': {
        const [left, index] = node.args as [unknown, unknown];
        const container = this.of(left, scope, times);
        this.of(index, scope, times);
        if (container.kind === 'list') return container.element;
        if (container.kind === 'object' && container.fields && isNode(index) && typeof index.args === 'string')
          return container.fields[index.args] ?? typed;
        return typed;
      }
      case 'list': {
        const elements = children(node.args).map((e) => this.of(e, scope, times));
        return { kind: 'list', count: elements.length, element: elements.reduce(widest, elements[0] ?? DYN) };
      }
      case '?:': {
        const [test, yes, no] = children(node.args);
        this.of(test, scope, times);
        return widest(this.of(yes, scope, times), this.of(no, scope, times));
      }
      case '+':
        return this.plus(node, scope, times);
      case 'in': {
        const [item, container] = children(node.args);
        this.of(item, scope, times);
        const c = this.of(container, scope, times);
        // Looking for an element reads the list.
        this.total += countOf(c) * times;
        return SCALAR;
      }
      case 'call':
      case 'rcall':
        return this.call(node, scope, times, typed);
      default:
        for (const child of children(node.args)) this.of(child, scope, times);
        return typed;
    }
  }

  /** `+`: texts and lists are built anew (their lengths added up), numbers are not. */
  private plus(node: Node, scope: Map<string, Bound>, times: number): Bound {
    const [a, b] = children(node.args).map((c) => this.of(c, scope, times));
    const typed = boundOfType(node.checkedType?.name);
    if (typed.kind === 'scalar') return SCALAR;
    const kinds = new Set([a.kind, b.kind, typed.kind]);
    if (kinds.has('list') && !kinds.has('text')) {
      const count = countOf(a) + countOf(b);
      this.charge(node, NODE * count * times, (t) => `${this.quote(node)} builds a list of up to ${n(count)} elements${t}`, times);
      return { kind: 'list', count, element: widest(elementOf(a), elementOf(b)) };
    }
    // A number on either side makes it a number (CEL has no mixed `+`); otherwise it may be text.
    if (kinds.has('scalar')) return SCALAR;
    const chars = charsOf(a) + charsOf(b);
    this.charge(node, chars * times, (t) => `${this.quote(node)} builds a text of up to ${n(chars)} characters${t}`, times);
    return text(chars);
  }

  private call(node: Node, scope: Map<string, Bound>, times: number, typed: Bound): Bound {
    const args = node.args as unknown[];
    const name = typeof args[0] === 'string' ? args[0] : '';
    if (refusedFunctions[name]) throw new Refused(refusedFunctions[name], node.pos ?? 0);
    const receiverStyle = node.op === 'rcall';
    const receiverNode = receiverStyle ? args[1] : undefined;
    const argNodes = children(receiverStyle ? args[2] : args[1]);
    if (receiverStyle && macros.has(name)) return this.macro(node, name, receiverNode, argNodes, scope, times);
    if (receiverStyle && name === 'bind' && isNode(receiverNode) && receiverNode.args === 'cel') {
      // cel.bind(x, value, expression): the value once, the expression with x bound to it.
      const [variable, value, expression] = argNodes;
      const bound = this.of(value, scope, times);
      return this.of(expression, new Map(scope).set(variable.args as string, bound), times);
    }
    const receiver = receiverNode === undefined ? undefined : this.of(receiverNode, scope, times);
    const inputs = argNodes.map((a) => this.of(a, scope, times));
    const subject = receiver ?? inputs[0] ?? DYN;
    const read = [subject, ...(receiver ? inputs : inputs.slice(1))].reduce((sum, b) => sum + scan(b), 0);
    if (scanFunctions.has(name)) {
      this.charge(node, read * times, (t) => `${this.quote(node)} reads texts of up to ${n(charsOf(subject))} characters${t}`, times);
      return typed;
    }
    const builds = (chars: number, result: Bound): Bound => {
      const cost = (read + chars) * times;
      this.charge(node, cost, (t) => `${this.quote(node)} builds a text of up to ${n(chars)} characters${t}`, times);
      return result;
    };
    if (copyFunctions.has(name)) return builds(charsOf(subject), text(charsOf(subject)));
    if (name === 'split') {
      // Up to one element per character, each as long as the text.
      const chars = charsOf(subject);
      const limit = isNode(argNodes[1]) && typeof argNodes[1].args === 'bigint' ? Number(argNodes[1].args) : -1;
      const count = limit >= 0 ? Math.min(limit, chars + 1) : chars + 1;
      const cost = (read + chars + NODE * count) * times;
      this.charge(node, cost, (t) => `${this.quote(node)} builds a list of up to ${n(count)} texts${t}`, times);
      return { kind: 'list', count, element: text(chars) };
    }
    if (name === 'join') {
      const separator = receiver ? charsOf(inputs[0] ?? text(0)) : 0;
      const count = countOf(subject);
      const chars = count * charsOf(elementOf(subject)) + Math.max(0, count - 1) * separator;
      return builds(chars, text(chars));
    }
    if (name === 'string') {
      if (subject.kind === 'text') return subject;
      return builds(32, text(32));
    }
    if (name === 'dyn') return subject;
    if (typed.kind === 'text') {
      // Any other function giving a text (bytes' hex or string…): as long as its longest input, or a whole capped text.
      const chars = Math.max(TEXT_CAP, ...[subject, ...inputs].map(charsOf));
      return builds(chars, text(chars));
    }
    return typed;
  }

  /** A macro: its receiver once, its body once per element the receiver may hold; map and filter build a list. */
  private macro(node: Node, name: string, receiverNode: unknown, argNodes: Node[], scope: Map<string, Bound>, times: number): Bound {
    const receiver = this.of(receiverNode, scope, times);
    const [variable, ...body] = argNodes;
    const count = countOf(receiver);
    const inner = new Map(scope).set(variable?.args as string, elementOf(receiver));
    const before = { total: this.total, charges: this.charges.length };
    this.total += NODE * count * times;
    let last: Bound = DYN;
    for (const part of body) last = this.of(part, inner, times * count);
    const iterations = this.total - before.total;
    // Named when no one thing inside its body explains most of its cost.
    const inside = this.charges.slice(before.charges).reduce((m, c) => Math.max(m, c.cost), 0);
    if (iterations >= 100 && inside < iterations / 2)
      this.charges.push({
        node,
        cost: iterations,
        what: `${this.quote(node)} runs its body up to ${n(count * times)} times`,
      });
    if (name === 'map' || name === 'filter') {
      this.charge(node, NODE * count * times, (t) => `${this.quote(node)} builds a list of up to ${n(count)} elements${t}`, times);
      return { kind: 'list', count, element: name === 'map' ? last : elementOf(receiver) };
    }
    return SCALAR;
  }
}
