// The console's record filter language, parsed here by hand (pure: no eval, no Function, no vm — an
// operator's text is only ever data). A filter is a boolean expression over the decoded record:
//
//   value.type == "OrderCreated" and not (headers.source contains "test" or partition > 2)
//
// Operands: `key`, `headers.<name>` (a name may hold dots and dashes: `headers.dlq.topic`),
// `value.<path>` (or `value` itself), `partition`, `offset`, `timestamp` (ms; compared with an ISO
// text too), "strings" or 'strings', numbers. Operators: == != < > <= >= contains, and, or, not,
// parentheses. An operand alone is true when present and not empty. Bounded: 500 characters, 32
// levels of nesting; a syntax error names its position (0-based character index).

export const maxExpressionLength = 500;
const maxDepth = 32;

export type Root = 'key' | 'headers' | 'value' | 'partition' | 'offset' | 'timestamp';
const roots: readonly Root[] = ['key', 'headers', 'value', 'partition', 'offset', 'timestamp'];

export type Operand =
  | { kind: 'path'; root: Root; path: string[] }
  | { kind: 'literal'; value: string | number };
export type Comparison = '==' | '!=' | '<' | '>' | '<=' | '>=' | 'contains';

export type Expression =
  | { kind: 'and' | 'or'; left: Expression; right: Expression }
  | { kind: 'not'; operand: Expression }
  | { kind: 'compare'; op: Comparison; left: Operand; right: Operand }
  | { kind: 'test'; operand: Operand };

export class ExpressionError extends Error {
  readonly position: number;
  constructor(position: number, message: string) {
    super(`${message} at position ${position}`);
    this.position = position;
  }
}

type Token =
  | { kind: 'word'; text: string; at: number }
  | { kind: 'string'; text: string; at: number }
  | { kind: 'number'; value: number; at: number }
  | { kind: 'symbol'; text: string; at: number }
  | { kind: 'end'; at: number };

const symbols = ['==', '!=', '<=', '>=', '<', '>', '(', ')'];

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < source.length) {
    const rest = source.slice(at);
    const space = /^\s+/.exec(rest);
    if (space) {
      at += space[0].length;
      continue;
    }
    const symbol = symbols.find((s) => rest.startsWith(s));
    const number = /^-?\d+(\.\d+)?(?![\w.])/.exec(rest);
    const word = /^[A-Za-z_][\w-]*(\.[\w-]+)*/.exec(rest);
    if (symbol) tokens.push({ kind: 'symbol', text: symbol, at });
    else if (rest[0] === '"' || rest[0] === "'") {
      const [text, length] = readString(source, at);
      tokens.push({ kind: 'string', text, at });
      at += length;
      continue;
    } else if (number) tokens.push({ kind: 'number', value: Number(number[0]), at });
    else if (word) tokens.push({ kind: 'word', text: word[0], at });
    else throw new ExpressionError(at, `unexpected character '${rest[0]}'`);
    at += symbol?.length ?? number?.[0].length ?? word?.[0].length ?? 1;
  }
  tokens.push({ kind: 'end', at: source.length });
  return tokens;
}

/** A quoted text from `start` (its quote): the text and the characters it took, quotes included. */
function readString(source: string, start: number): [string, number] {
  const quote = source[start];
  let text = '';
  for (let i = start + 1; i < source.length; i++) {
    const c = source[i] as string;
    if (c === quote) return [text, i - start + 1];
    if (c === '\\' && i + 1 < source.length) {
      i++;
      text += source[i];
    } else text += c;
  }
  throw new ExpressionError(start, 'unterminated string');
}

export function parseExpression(source: string): Expression {
  if (source.length > maxExpressionLength)
    throw new ExpressionError(maxExpressionLength, `longer than ${maxExpressionLength} characters`);
  const parser = new Parser(tokenize(source));
  const expression = parser.or(0);
  parser.expectEnd();
  return expression;
}

class Parser {
  #tokens: Token[];
  #index = 0;
  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  or(depth: number): Expression {
    let left = this.and(depth);
    while (this.#takeWord('or')) left = { kind: 'or', left, right: this.and(depth) };
    return left;
  }

  and(depth: number): Expression {
    let left = this.unary(depth);
    while (this.#takeWord('and')) left = { kind: 'and', left, right: this.unary(depth) };
    return left;
  }

  unary(depth: number): Expression {
    if (depth > maxDepth) throw new ExpressionError(this.#peek().at, `nested deeper than ${maxDepth}`);
    if (this.#takeWord('not')) return { kind: 'not', operand: this.unary(depth + 1) };
    const token = this.#peek();
    if (token.kind === 'symbol' && token.text === '(') {
      this.#index++;
      const inner = this.or(depth + 1);
      const close = this.#peek();
      if (close.kind !== 'symbol' || close.text !== ')') throw this.#unexpected(close, "')'");
      this.#index++;
      return inner;
    }
    const left = this.#operand();
    const op = this.#comparison();
    return op === null
      ? { kind: 'test', operand: left }
      : { kind: 'compare', op, left, right: this.#operand() };
  }

  expectEnd(): void {
    const token = this.#peek();
    if (token.kind !== 'end') throw this.#unexpected(token, 'and, or, or the end');
  }

  #operand(): Operand {
    const token = this.#peek();
    this.#index++;
    if (token.kind === 'string') return { kind: 'literal', value: token.text };
    if (token.kind === 'number') return { kind: 'literal', value: token.value };
    if (token.kind === 'word') {
      const [first = '', ...path] = token.text.split('.');
      const root = roots.find((r) => r === first);
      if (root === undefined || isKeyword(first))
        throw new ExpressionError(token.at, `unknown name '${first}' (use ${roots.join(', ')})`);
      if (root === 'headers' && path.length === 0)
        throw new ExpressionError(token.at, 'name a header: headers.<name>');
      // A header's name may hold dots: everything after `headers.` is the name.
      return { kind: 'path', root, path: root === 'headers' ? [path.join('.')] : path };
    }
    this.#index--;
    throw this.#unexpected(token, 'a name, a string or a number');
  }

  #comparison(): Comparison | null {
    const token = this.#peek();
    if (token.kind === 'symbol' && ['==', '!=', '<', '>', '<=', '>='].includes(token.text)) {
      this.#index++;
      return token.text as Comparison;
    }
    return this.#takeWord('contains') ? 'contains' : null;
  }

  #takeWord(word: string): boolean {
    const token = this.#peek();
    if (token.kind !== 'word' || token.text !== word) return false;
    this.#index++;
    return true;
  }

  #peek(): Token {
    return this.#tokens[this.#index] ?? (this.#tokens.at(-1) as Token);
  }

  #unexpected(token: Token, wanted: string): ExpressionError {
    const found = token.kind === 'end' ? 'the end' : `'${'text' in token ? token.text : token.value}'`;
    return new ExpressionError(token.at, `expected ${wanted}, found ${found}`);
  }
}

function isKeyword(word: string): boolean {
  return word === 'and' || word === 'or' || word === 'not' || word === 'contains';
}
