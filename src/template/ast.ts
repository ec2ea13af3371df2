/** Parse tree of a Go text/template. Node shapes follow text/template/parse; `pos` is a JS string index. */
export interface TreeInfo {
  /** Template name (a `define` name, or the top-level name). */
  name: string;
  /** Name of the top-level template whose text this tree was parsed from (used in error positions). */
  parseName: string;
  text: string;
}

interface Base {
  pos: number;
  tree: TreeInfo;
}

export interface TextNode extends Base {
  kind: 'text';
  text: string;
}
export interface ActionNode extends Base {
  kind: 'action';
  line: number;
  pipe: PipeNode;
}
export interface ListNode extends Base {
  kind: 'list';
  nodes: Node[];
}
export interface BranchNode extends Base {
  line: number;
  pipe: PipeNode;
  list: ListNode;
  elseList: ListNode | null;
}
export interface IfNode extends BranchNode {
  kind: 'if';
}
export interface WithNode extends BranchNode {
  kind: 'with';
}
export interface RangeNode extends BranchNode {
  kind: 'range';
}
export interface TemplateNode extends Base {
  kind: 'template';
  line: number;
  name: string;
  pipe: PipeNode | null;
}
export interface BreakNode extends Base {
  kind: 'break';
  line: number;
}
export interface ContinueNode extends Base {
  kind: 'continue';
  line: number;
}
export interface CommentNode extends Base {
  kind: 'comment';
  text: string;
}

export type Node =
  | TextNode
  | ActionNode
  | ListNode
  | IfNode
  | WithNode
  | RangeNode
  | TemplateNode
  | BreakNode
  | ContinueNode
  | CommentNode;

export interface PipeNode extends Base {
  kind: 'pipe';
  line: number;
  isAssign: boolean;
  decl: VariableNode[];
  cmds: CommandNode[];
}
export interface CommandNode extends Base {
  kind: 'command';
  args: ArgNode[];
}
export interface FieldNode extends Base {
  kind: 'field';
  ident: string[];
}
export interface VariableNode extends Base {
  kind: 'variable';
  ident: string[];
}
export interface ChainNode extends Base {
  kind: 'chain';
  node: ArgNode;
  field: string[];
}
export interface IdentifierNode extends Base {
  kind: 'identifier';
  name: string;
}
export interface DotNode extends Base {
  kind: 'dot';
}
export interface NilNode extends Base {
  kind: 'nil';
}
export interface BoolNode extends Base {
  kind: 'bool';
  value: boolean;
}
export interface NumberNode extends Base {
  kind: 'number';
  text: string;
  /** The constant as the executor uses it when the context is untyped: bigint for ints, number for floats. */
  value: bigint | number;
}
export interface StringNode extends Base {
  kind: 'string';
  quoted: string;
  text: string;
}

export type ArgNode =
  | PipeNode
  | FieldNode
  | VariableNode
  | ChainNode
  | IdentifierNode
  | DotNode
  | NilNode
  | BoolNode
  | NumberNode
  | StringNode;

/** A parsed template: its name and body. */
export interface Tree {
  name: string;
  parseName: string;
  root: ListNode;
  text: string;
}

/** Go's String() rendering of argument nodes, used in "executing ... at <...>" error messages. */
export function nodeString(n: ArgNode | CommandNode | Node): string {
  switch (n.kind) {
    case 'pipe': {
      let s = '';
      if (n.decl.length > 0) {
        s = `${n.decl.map(nodeString).join(', ')} ${n.isAssign ? '=' : ':='} `;
      }
      return s + n.cmds.map(nodeString).join(' | ');
    }
    case 'command':
      return n.args.map((a) => (a.kind === 'pipe' ? `(${nodeString(a)})` : nodeString(a))).join(' ');
    case 'field':
      return n.ident.map((i) => `.${i}`).join('');
    case 'variable':
      return n.ident.join('.');
    case 'chain': {
      const inner = n.node.kind === 'pipe' ? `(${nodeString(n.node)})` : nodeString(n.node);
      return inner + n.field.map((f) => `.${f}`).join('');
    }
    case 'identifier':
      return n.name;
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'bool':
      return n.value ? 'true' : 'false';
    case 'number':
      return n.text;
    case 'string':
      return n.quoted;
    case 'text':
      return n.text;
    case 'action':
      return `{{${nodeString(n.pipe)}}}`;
    case 'template':
      return n.pipe
        ? `{{template ${JSON.stringify(n.name)} ${nodeString(n.pipe)}}}`
        : `{{template ${JSON.stringify(n.name)}}}`;
    case 'if':
    case 'with':
    case 'range':
      return `{{${n.kind} ${nodeString(n.pipe)}}}`;
    case 'break':
      return '{{break}}';
    case 'continue':
      return '{{continue}}';
    case 'comment':
      return `{{${n.text}}}`;
    case 'list':
      return n.nodes.map(nodeString).join('');
  }
}

/** Go's ErrorContext: "parseName:line:col" where col is the byte offset within the line. */
export function errorContext(n: { pos: number; tree: TreeInfo }): string {
  const text = n.tree.text;
  const before = text.slice(0, n.pos);
  let line = 1;
  for (let i = 0; i < before.length; i++) if (before.charCodeAt(i) === 10) line++;
  const nl = before.lastIndexOf('\n');
  const lineStart = nl < 0 ? before : before.slice(nl + 1);
  const col = Buffer.byteLength(lineStart, 'utf8');
  return `${n.tree.parseName}:${line}:${col}`;
}
