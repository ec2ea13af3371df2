/**
 * Parser for Go text/template, built on the token list from lexer.ts. Produces one Tree per template
 * (the top-level text plus each {{define}} / {{block}}), with Go's parse-time checks and error texts.
 */
import type {
  ActionNode,
  ArgNode,
  CommandNode,
  ListNode,
  Node,
  PipeNode,
  TemplateNode,
  Tree,
  TreeInfo,
  VariableNode,
} from './ast.ts';
import { unquoteGo } from './goquote.ts';
import { lex, Tok, type Token } from './lexer.ts';

export class TemplateParseError extends Error {
  override name = 'TemplateParseError';
}

const KEYWORD_NAMES: Partial<Record<Tok, string>> = {
  [Tok.Block]: 'block',
  [Tok.Break]: 'break',
  [Tok.Continue]: 'continue',
  [Tok.Define]: 'define',
  [Tok.Else]: 'else',
  [Tok.End]: 'end',
  [Tok.If]: 'if',
  [Tok.Range]: 'range',
  [Tok.Template]: 'template',
  [Tok.With]: 'with',
  [Tok.Nil]: 'nil',
  [Tok.Dot]: '.',
};

/** Go's item String(): how a token shows up in "unexpected X" messages. */
function tokString(t: Token): string {
  switch (t.t) {
    case Tok.EOF:
      return 'EOF';
    case Tok.Error:
      return t.val;
    case Tok.Text:
      return JSON.stringify(t.val.length > 10 ? `${t.val.slice(0, 10)}...` : t.val);
    case Tok.LeftDelim:
    case Tok.RightDelim:
      return JSON.stringify(t.val);
  }
  const kw = KEYWORD_NAMES[t.t];
  if (kw !== undefined) return `<${kw}>`;
  return JSON.stringify(t.val);
}

type EndKind = 'end' | 'else';

interface ParseOptions {
  hasFunction: (name: string) => boolean;
}

/** Parses `text` as template `name`; returns all trees it defines (the top-level one first). */
export function parseTemplates(name: string, text: string, opts: ParseOptions): Tree[] {
  const p = new Parser(name, text, opts);
  return p.parseAll();
}

/** Go's parse.IsEmptyTree: only whitespace text and comments. */
export function isEmptyTree(list: ListNode): boolean {
  for (const n of list.nodes) {
    if (n.kind === 'comment') continue;
    if (n.kind === 'text' && n.text.trim() === '') continue;
    if (n.kind === 'list' && isEmptyTree(n)) continue;
    return false;
  }
  return true;
}

class Parser {
  private toks: Token[];
  private i = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  private info: TreeInfo;
  private trees: Tree[] = [];

  constructor(
    private readonly topName: string,
    private readonly text: string,
    private readonly opts: ParseOptions,
  ) {
    this.toks = lex(text);
    this.info = { name: topName, parseName: topName, text };
  }

  private errorf(msg: string, tok?: Token): never {
    const t = tok ?? this.toks[Math.max(0, Math.min(this.i - 1, this.toks.length - 1))];
    throw new TemplateParseError(`template: ${this.topName}:${t.line}: ${msg}`);
  }

  private next(): Token {
    const t = this.toks[this.i];
    if (this.i < this.toks.length - 1) this.i++;
    else this.i = this.toks.length;
    if (t.t === Tok.Error) {
      this.errorf(t.val, t);
    }
    return t;
  }
  private backup(): void {
    this.i--;
  }
  private peek(): Token {
    const t = this.toks[Math.min(this.i, this.toks.length - 1)];
    return t;
  }
  private nextNonSpace(): Token {
    let t = this.next();
    while (t.t === Tok.Space) t = this.next();
    return t;
  }
  private peekNonSpace(): Token {
    const t = this.nextNonSpace();
    this.backup();
    return t;
  }
  private expect(kind: Tok, context: string): Token {
    const t = this.nextNonSpace();
    if (t.t !== kind) this.unexpected(t, context);
    return t;
  }
  private unexpected(t: Token, context: string): never {
    if (t.t === Tok.Error) {
      this.errorf(t.val, t);
    }
    this.errorf(`unexpected ${tokString(t)} in ${context}`, t);
  }

  parseAll(): Tree[] {
    const root: ListNode = { kind: 'list', pos: 0, tree: this.info, nodes: [] };
    const top: Tree = { name: this.topName, parseName: this.topName, root, text: this.text };
    this.trees.push(top);
    while (this.peek().t !== Tok.EOF) {
      if (this.peek().t === Tok.LeftDelim) {
        const at = this.i;
        this.next();
        if (this.nextNonSpace().t === Tok.Define) {
          this.parseDefinition();
          continue;
        }
        this.i = at;
      }
      const n = this.textOrAction();
      if (n.kind !== 'node') this.errorf(`unexpected ${n.tok}`, n.token);
      else root.nodes.push(n.node);
    }
    return this.trees;
  }

  private parseDefinition(): void {
    const nameTok = this.nextNonSpace();
    if (nameTok.t !== Tok.String && nameTok.t !== Tok.RawString) this.unexpected(nameTok, 'define clause');
    const name = this.unquote(nameTok);
    this.expect(Tok.RightDelim, 'define clause');
    const savedVars = this.vars;
    this.vars = ['$'];
    const info: TreeInfo = { name, parseName: this.topName, text: this.text };
    const saved = this.info;
    this.info = info;
    const [list, end] = this.itemList();
    if (end !== 'end') this.errorf('unexpected {{else}} in define clause');
    this.info = saved;
    this.vars = savedVars;
    this.addTree({ name, parseName: this.topName, root: list, text: this.text });
  }

  /** Go's Tree.add: a second non-empty definition of one name in one parse is an error. */
  private addTree(tree: Tree): void {
    const i = this.trees.findIndex((t) => t.name === tree.name);
    if (i < 0) {
      this.trees.push(tree);
      return;
    }
    if (isEmptyTree(this.trees[i].root)) {
      this.trees[i] = tree;
      return;
    }
    if (!isEmptyTree(tree.root)) this.errorf(`template: multiple definition of template ${JSON.stringify(tree.name)}`);
  }

  /** Parses nodes until {{end}} or {{else}}; returns the list and which one ended it. */
  private itemList(): [ListNode, EndKind] {
    const list: ListNode = { kind: 'list', pos: this.peekNonSpace().pos, tree: this.info, nodes: [] };
    while (this.peekNonSpace().t !== Tok.EOF) {
      const r = this.textOrAction();
      if (r.kind !== 'node') return [list, r.kind];
      list.nodes.push(r.node);
    }
    this.errorf('unexpected EOF');
  }

  private textOrAction(): { kind: 'node'; node: Node } | { kind: 'end' | 'else'; tok: string; token: Token } {
    const t = this.nextNonSpace();
    switch (t.t) {
      case Tok.Text:
        return { kind: 'node', node: { kind: 'text', pos: t.pos, tree: this.info, text: t.val } };
      case Tok.LeftDelim:
        return this.action();
      case Tok.Comment:
        return { kind: 'node', node: { kind: 'comment', pos: t.pos, tree: this.info, text: t.val } };
      default:
        this.unexpected(t, 'input');
    }
  }

  private action(): { kind: 'node'; node: Node } | { kind: 'end' | 'else'; tok: string; token: Token } {
    const t = this.nextNonSpace();
    switch (t.t) {
      case Tok.Block:
        return { kind: 'node', node: this.blockControl(t) };
      case Tok.Break:
        return { kind: 'node', node: this.breakControl(t, 'break') };
      case Tok.Continue:
        return { kind: 'node', node: this.breakControl(t, 'continue') };
      case Tok.Else:
        return this.elseControl(t);
      case Tok.End:
        this.expect(Tok.RightDelim, 'end');
        return { kind: 'end', tok: '{{end}}', token: t };
      case Tok.If:
        return { kind: 'node', node: this.branch('if', t) };
      case Tok.Range:
        return { kind: 'node', node: this.branch('range', t) };
      case Tok.Template:
        return { kind: 'node', node: this.templateControl(t) };
      case Tok.With:
        return { kind: 'node', node: this.branch('with', t) };
    }
    this.backup();
    const tok = this.peek();
    const pipe = this.pipeline('command', Tok.RightDelim);
    const node: ActionNode = { kind: 'action', pos: tok.pos, tree: this.info, line: tok.line, pipe };
    return { kind: 'node', node };
  }

  private breakControl(t: Token, name: 'break' | 'continue'): Node {
    const n = this.nextNonSpace();
    if (n.t !== Tok.RightDelim) this.unexpected(n, `{{${name}}}`);
    if (this.rangeDepth === 0) this.errorf(`{{${name}}} outside {{range}}`, t);
    return { kind: name, pos: t.pos, tree: this.info, line: t.line };
  }

  private elseControl(t: Token): { kind: 'else'; tok: string; token: Token } {
    const p = this.peekNonSpace();
    // "{{else if ...}}" and "{{else with ...}}" are handled by the caller as a nested branch.
    if (p.t === Tok.If || p.t === Tok.With) {
      return { kind: 'else', tok: '{{else}}', token: t };
    }
    const n = this.nextNonSpace();
    if (n.t !== Tok.RightDelim) this.unexpected(n, 'else');
    return { kind: 'else', tok: '{{else}}', token: t };
  }

  private branch(kind: 'if' | 'with' | 'range', t: Token): Node {
    const savedVars = this.vars.length;
    const pipe = this.pipeline(kind, Tok.RightDelim);
    if (kind === 'range') this.rangeDepth++;
    let [list, end] = this.itemList();
    if (kind === 'range') this.rangeDepth--;
    let elseList: ListNode | null = null;
    if (end === 'else') {
      const p = this.peekNonSpace();
      if ((kind === 'if' && p.t === Tok.If) || (kind === 'with' && p.t === Tok.With)) {
        // {{else if}} / {{else with}}: a nested branch that also consumes our {{end}}.
        const kwTok = this.nextNonSpace();
        const elsePos = p.pos;
        const nested = this.branch(kind, kwTok);
        elseList = { kind: 'list', pos: elsePos, tree: this.info, nodes: [nested] };
        end = 'end';
      } else {
        [elseList, end] = this.itemList();
        if (end !== 'end') this.errorf(`expected end; found {{else}}`);
      }
    }
    this.vars.length = savedVars;
    const node = { kind, pos: pipe.pos, tree: this.info, line: t.line, pipe, list, elseList };
    return node as Node;
  }

  private templateControl(t: Token): TemplateNode {
    const nameTok = this.nextNonSpace();
    const name = this.parseTemplateName(nameTok, 'template clause');
    let pipe: PipeNode | null = null;
    if (this.nextNonSpace().t !== Tok.RightDelim) {
      this.backup();
      pipe = this.pipeline('template', Tok.RightDelim);
    }
    return { kind: 'template', pos: nameTok.pos, tree: this.info, line: t.line, name, pipe };
  }

  private blockControl(t: Token): TemplateNode {
    const context = 'block clause';
    const nameTok = this.nextNonSpace();
    const name = this.parseTemplateName(nameTok, context);
    const pipe = this.pipeline(context, Tok.RightDelim);
    const savedVars = this.vars;
    const savedRangeDepth = this.rangeDepth;
    this.vars = ['$'];
    this.rangeDepth = 0; // a block body is its own template: break/continue cannot reach an outer range
    const info: TreeInfo = { name, parseName: this.topName, text: this.text };
    const saved = this.info;
    this.info = info;
    const [list, end] = this.itemList();
    if (end !== 'end') this.errorf(`unexpected {{else}} in ${context}`);
    this.info = saved;
    this.vars = savedVars;
    this.rangeDepth = savedRangeDepth;
    this.addTree({ name, parseName: this.topName, root: list, text: this.text });
    return { kind: 'template', pos: nameTok.pos, tree: this.info, line: t.line, name, pipe };
  }

  private parseTemplateName(t: Token, context: string): string {
    if (t.t === Tok.String || t.t === Tok.RawString) return this.unquote(t);
    this.unexpected(t, context);
  }

  private unquote(t: Token): string {
    try {
      return unquoteGo(t.val);
    } catch {
      this.errorf(`invalid syntax`, t);
    }
  }

  private pipeline(context: string, end: Tok): PipeNode {
    const first = this.peekNonSpace();
    const pipe: PipeNode = {
      kind: 'pipe',
      pos: first.pos,
      tree: this.info,
      line: first.line,
      isAssign: false,
      decl: [],
      cmds: [],
    };
    // declarations: "$x :=", "$x =", and in range "$i, $e :="
    while (true) {
      const i0 = this.i;
      const v = this.peekNonSpace();
      if (v.t !== Tok.Variable) break;
      this.nextNonSpace();
      const nxt = this.peekNonSpace();
      if (nxt.t === Tok.Assign || nxt.t === Tok.Declare) {
        this.nextNonSpace();
        pipe.isAssign = nxt.t === Tok.Assign;
        pipe.decl.push(this.newVariable(v));
        if (!pipe.isAssign) this.vars.push(v.val);
        break;
      }
      if (nxt.t === Tok.Char && nxt.val === ',') {
        this.nextNonSpace();
        pipe.decl.push(this.newVariable(v));
        this.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const p2 = this.peekNonSpace().t;
          if (p2 === Tok.Variable || p2 === Tok.RightDelim || p2 === Tok.RightParen) continue;
          this.errorf('range can only initialize variables');
        }
        this.errorf(`too many declarations in ${context}`);
      }
      this.i = i0;
      break;
    }
    while (true) {
      const t = this.nextNonSpace();
      if (t.t === end) {
        this.checkPipeline(pipe, context);
        return pipe;
      }
      switch (t.t) {
        case Tok.Bool:
        case Tok.CharConstant:
        case Tok.Dot:
        case Tok.Field:
        case Tok.Identifier:
        case Tok.Number:
        case Tok.Nil:
        case Tok.RawString:
        case Tok.String:
        case Tok.Variable:
        case Tok.LeftParen:
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(t, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    for (let i = 1; i < pipe.cmds.length; i++) {
      const k = pipe.cmds[i].args[0].kind;
      if (k === 'bool' || k === 'dot' || k === 'nil' || k === 'number' || k === 'string') {
        this.errorf(`non executable command in pipeline stage ${i + 1}`);
      }
    }
  }

  private command(): CommandNode {
    const cmd: CommandNode = { kind: 'command', pos: this.peekNonSpace().pos, tree: this.info, args: [] };
    while (true) {
      this.peekNonSpace();
      const op = this.operand();
      if (op) cmd.args.push(op);
      const t = this.next();
      switch (t.t) {
        case Tok.Space:
          continue;
        case Tok.RightDelim:
        case Tok.RightParen:
          this.backup();
          break;
        case Tok.Pipe:
          break;
        default:
          this.unexpected(t, 'operand');
      }
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  private operand(): ArgNode | null {
    const node = this.term();
    if (!node) return null;
    if (this.peek().t === Tok.Field) {
      const fields: string[] = [];
      const start = this.peek().pos;
      while (this.peek().t === Tok.Field) fields.push(this.next().val.slice(1));
      switch (node.kind) {
        // Like Go, a merged .A.B or $x.B node takes the position of its first trailing field.
        case 'field':
          return { kind: 'field', pos: start, tree: this.info, ident: [...node.ident, ...fields] };
        case 'variable':
          return { kind: 'variable', pos: start, tree: this.info, ident: [...node.ident, ...fields] };
        case 'bool':
        case 'string':
        case 'number':
        case 'nil':
        case 'dot':
          this.errorf(`unexpected . after term ${JSON.stringify(nodeText(node))}`);
          break;
        default:
          return { kind: 'chain', pos: start, tree: this.info, node, field: fields };
      }
    }
    return node;
  }

  private term(): ArgNode | null {
    const t = this.nextNonSpace();
    const base = { pos: t.pos, tree: this.info };
    switch (t.t) {
      case Tok.Identifier:
        if (!this.opts.hasFunction(t.val)) this.errorf(`function ${JSON.stringify(t.val)} not defined`, t);
        return { kind: 'identifier', ...base, name: t.val };
      case Tok.Dot:
        return { kind: 'dot', ...base };
      case Tok.Nil:
        return { kind: 'nil', ...base };
      case Tok.Variable:
        return this.useVar(t);
      case Tok.Field:
        return { kind: 'field', ...base, ident: [t.val.slice(1)] };
      case Tok.Bool:
        return { kind: 'bool', ...base, value: t.val === 'true' };
      case Tok.CharConstant:
      case Tok.Number:
        return this.number(t);
      case Tok.LeftParen:
        return this.pipeline('parenthesized pipeline', Tok.RightParen);
      case Tok.String:
      case Tok.RawString:
        return { kind: 'string', ...base, quoted: t.val, text: this.unquote(t) };
    }
    this.backup();
    return null;
  }

  private number(t: Token): ArgNode {
    const base = { pos: t.pos, tree: this.info };
    if (t.t === Tok.CharConstant) {
      let s: string;
      if (t.val === "''") this.errorf('invalid syntax', t);
      try {
        s = unquoteGo(t.val);
      } catch {
        this.errorf(`malformed character constant: ${t.val}`, t);
      }
      return { kind: 'number', ...base, text: t.val, value: BigInt(s.codePointAt(0) ?? 0) };
    }
    const v = parseGoNumber(t.val);
    if (v === null) this.errorf(`illegal number syntax: ${JSON.stringify(t.val)}`, t);
    return { kind: 'number', ...base, text: t.val, value: v };
  }

  private newVariable(t: Token): VariableNode {
    return { kind: 'variable', pos: t.pos, tree: this.info, ident: t.val.split('.') };
  }

  private useVarName(name: string, t: Token): void {
    if (!this.vars.includes(name)) this.errorf(`undefined variable ${JSON.stringify(name)}`, t);
  }

  private useVar(t: Token): VariableNode {
    const v = this.newVariable(t);
    this.useVarName(v.ident[0], t);
    return v;
  }
}

function nodeText(n: ArgNode): string {
  switch (n.kind) {
    case 'string':
      return n.quoted;
    case 'number':
      return n.text;
    case 'bool':
      return String(n.value);
    case 'nil':
      return 'nil';
    case 'dot':
      return '.';
    default:
      return '';
  }
}

/**
 * Parses a Go number literal as text/template treats an untyped constant:
 * ints (decimal, hex, octal, binary, with _) become bigint; anything with . e E p P becomes a float.
 * Integers keep their exact value; the executor reports "X overflows int" when one outside int64 is used.
 */
export function parseGoNumber(text: string): bigint | number | null {
  if (text.endsWith('i')) return null; // complex constants are not supported
  let s = text;
  let neg = false;
  if (s[0] === '+' || s[0] === '-') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '' || s.startsWith('_') || s.endsWith('_') || s.includes('__')) return null;
  const clean = s.replace(/_/g, '');
  const isHex = /^0[xX]/.test(clean);
  if (/^0[xX][0-9a-fA-F]+$/.test(clean) || /^0[oO][0-7]+$/.test(clean) || /^0[bB][01]+$/.test(clean)) {
    const v = BigInt(clean.toLowerCase());
    return neg ? -v : v;
  }
  if (/^0[0-7]*$/.test(clean)) {
    const v = clean.length > 1 ? BigInt(`0o${clean.slice(1)}`) : 0n;
    return neg ? -v : v;
  }
  if (/^[1-9][0-9]*$/.test(clean)) {
    const v = BigInt(clean);
    return neg ? -v : v;
  }
  if (!isHex && /^([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(clean)) {
    const f = Number(clean);
    return neg ? -f : f;
  }
  if (isHex && /^0[xX]([0-9a-fA-F]*\.?[0-9a-fA-F]*)[pP][+-]?[0-9]+$/.test(clean)) {
    const m = /^0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?[0-9]+)$/.exec(clean);
    if (!m) return null;
    const mant = Number.parseInt(m[1] + m[2] || '0', 16) / 16 ** m[2].length;
    const f = mant * 2 ** Number(m[3]);
    return neg ? -f : f;
  }
  return null;
}
