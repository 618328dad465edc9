// A fast reader for the plain subset of YAML that repository files are written in: block mappings
// and sequences, plain and quoted one-line scalars, one-line flow collections, folded and literal
// block scalars, comments. Anything else (anchors, aliases, tags, escapes, multi-line plain scalars,
// duplicate keys, a second document...) makes it decline, and the full YAML library reads the file:
// it only has to be right on what it accepts, where it gives exactly the YAML 1.2 core-schema data.
// Why: the full library takes ~0.7 ms per file, too slow to validate 10,000 endorsements in 2 s.

/** Thrown to give up on a file; caught in parseSimpleYaml. */
const DECLINE: unique symbol = Symbol("decline");
const decline = (): never => {
  throw DECLINE;
};

const KEY = /^([A-Za-z0-9_$][A-Za-z0-9_.$/-]*):(?: +|$)/;
const FLOW_KEY = /^([A-Za-z0-9_$][A-Za-z0-9_.$/-]*): +/;
/** Characters that start something other than a plain scalar in YAML. */
const INDICATOR = /^[-?:,[\]{}#&*!|>'"%@`]/;
const MAX_DEPTH = 32;

/** The data of a YAML text written in the plain subset, or undefined when it is not. */
export function parseSimpleYaml(text: string): Record<string, unknown> | undefined {
  try {
    return new SimpleParser(text).document();
  } catch (e) {
    if (e === DECLINE) return undefined;
    throw e;
  }
}

class SimpleParser {
  private readonly lines: string[];
  /** Column where a line's content starts; -1 for a blank or comment-only line. */
  private readonly start: Int32Array;
  private i = 0;

  constructor(source: string) {
    this.lines = source.split("\n");
    this.start = new Int32Array(this.lines.length);
    this.lines.forEach((raw, k) => {
      if (raw.endsWith("\r")) this.lines[k] = raw = raw.slice(0, -1);
      let n = 0;
      while (raw.charCodeAt(n) === 32) n++;
      if (n === raw.length || raw.charCodeAt(n) === 35 /* # */) this.start[k] = -1;
      else if (raw.charCodeAt(n) === 9) decline(); // a tab in the indentation
      else this.start[k] = n;
    });
  }

  document(): Record<string, unknown> {
    if (this.peek() === 0 && this.text() === "---") this.i++;
    if (this.peek() !== 0 || isSeqItem(this.text())) decline();
    const data = this.map(0, 1);
    if (this.peek() >= 0) decline(); // something left over: a dedent error, "...", a second document
    return data;
  }

  /** Indent of the next content line (skipping blank and comment lines), -1 at the end. */
  private peek(): number {
    while (this.i < this.lines.length && this.start[this.i]! < 0) this.i++;
    return this.i < this.lines.length ? this.start[this.i]! : -1;
  }

  /** Content of the current line. */
  private text(): string {
    return this.lines[this.i]!.slice(this.start[this.i]!);
  }

  private block(indent: number, depth: number): unknown {
    if (depth > MAX_DEPTH) decline();
    return isSeqItem(this.text()) ? this.seq(indent, depth) : this.map(indent, depth);
  }

  private map(indent: number, depth: number): Record<string, unknown> {
    const obj: Record<string, unknown> = {};
    for (let at = this.peek(); at >= indent; at = this.peek()) {
      const text = this.text();
      if (at > indent || isSeqItem(text)) decline();
      const m = KEY.exec(text) ?? decline();
      const key = m[1]!;
      // A key already set, or one an object has from its prototype ("constructor"): leave it to the library.
      if (key.length > 200 || key === "__proto__" || obj[key] !== undefined) decline();
      obj[key] = this.value(text.slice(m[0].length), indent, depth, true);
    }
    return obj;
  }

  private seq(indent: number, depth: number): unknown[] {
    const arr: unknown[] = [];
    for (let at = this.peek(); at >= indent; at = this.peek()) {
      const text = this.text();
      if (at > indent || !isSeqItem(text)) break;
      const after = text.slice(1);
      const rest = after.trimStart();
      if (KEY.test(rest)) {
        // "- key: value" starts a mapping at the column of "key": read this line as that mapping's first.
        const column = indent + 1 + (after.length - rest.length);
        this.start[this.i] = column;
        if (depth + 1 > MAX_DEPTH) decline();
        arr.push(this.map(column, depth + 1));
      } else {
        if (isSeqItem(rest)) decline(); // "- - x"
        arr.push(this.value(rest, indent, depth, false));
      }
    }
    return arr;
  }

  /** The value after "key:" or "-" on the current line; consumes the lines it spans. */
  private value(rest: string, indent: number, depth: number, inMap: boolean): unknown {
    if (rest === "" || rest.startsWith("#")) {
      this.i++;
      const next = this.peek();
      if (next > indent) return this.block(next, depth + 1);
      if (inMap && next === indent && isSeqItem(this.text())) return this.seq(indent, depth + 1);
      return null;
    }
    if (rest[0] === "|" || rest[0] === ">") return this.blockScalar(rest, indent);
    const v = inlineValue(rest, depth);
    this.i++;
    if (this.peek() > indent) decline(); // a multi-line plain scalar or a nesting error
    return v;
  }

  private blockScalar(header: string, parentIndent: number): string {
    const h = /^([|>])(-?)(?: +#.*)?$/.exec(header) ?? decline();
    const folded = h[1] === ">";
    this.i++;
    const parts: string[] = [];
    let contentIndent = -1;
    let endsFile = false;
    while (this.i < this.lines.length) {
      const raw = this.lines[this.i]!;
      let n = 0;
      while (raw.charCodeAt(n) === 32) n++;
      if (n === raw.length) {
        if (contentIndent < 0 || n > contentIndent) decline(); // leading blank lines, or spaces that would be content
        parts.push("");
        this.i++;
        continue;
      }
      if (contentIndent < 0) {
        if (n <= parentIndent) break;
        contentIndent = n;
      }
      if (n < contentIndent) {
        if (n > parentIndent) decline();
        break;
      }
      const content = raw.slice(contentIndent);
      if (folded && (n > contentIndent || content.includes("\t"))) decline(); // more-indented lines are not folded
      parts.push(content);
      endsFile = this.i === this.lines.length - 1;
      this.i++;
    }
    while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
    if (parts.length === 0 || endsFile) decline(); // empty, or no final line break to clip
    let body: string;
    if (folded) {
      body = parts[0]!;
      let empty = 0;
      for (let j = 1; j < parts.length; j++) {
        if (parts[j] === "") empty++;
        else {
          body += empty > 0 ? "\n".repeat(empty) : " ";
          body += parts[j];
          empty = 0;
        }
      }
    } else body = parts.join("\n");
    return h[2] === "-" ? body : `${body}\n`;
  }
}

function isSeqItem(text: string): boolean {
  return text === "-" || text.startsWith("- ");
}

/** What may follow a value on its line: nothing, or a comment. */
function endsLine(s: string, pos: number): boolean {
  while (s.charCodeAt(pos) === 32) pos++;
  return pos === s.length || (s[pos] === "#" && s[pos - 1] === " ");
}

function inlineValue(rest: string, depth: number): unknown {
  const c = rest[0];
  if (c === '"' || c === "'") {
    const [v, end] = quoted(rest, 0);
    if (!endsLine(rest, end)) decline();
    return v;
  }
  if (c === "[" || c === "{") {
    const [v, end] = flow(rest, 0, depth + 1);
    if (!endsLine(rest, end)) decline();
    return v;
  }
  const hash = rest.indexOf(" #");
  const v = (hash >= 0 ? rest.slice(0, hash) : rest).trimEnd();
  return plain(v);
}

/** A quoted scalar on one line: single quotes with '' for ', double quotes without escapes. */
function quoted(s: string, pos: number): [string, number] {
  const q = s[pos]!;
  let out = "";
  for (let j = pos + 1; j < s.length; j++) {
    const ch = s[j]!;
    if (q === '"' && ch === "\\") decline();
    if (ch === q) {
      if (q === "'" && s[j + 1] === "'") {
        out += "'";
        j++;
        continue;
      }
      return [out, j + 1];
    }
    out += ch;
  }
  return decline(); // not closed on this line
}

/** A one-line flow sequence or mapping of scalars and flow collections. */
function flow(s: string, pos: number, depth: number): [unknown, number] {
  if (depth > MAX_DEPTH) decline();
  const isSeq = s[pos] === "[";
  const close = isSeq ? "]" : "}";
  const seq: unknown[] = [];
  const map: Record<string, unknown> = {};
  const skip = () => {
    while (s.charCodeAt(pos) === 32) pos++;
  };
  pos++;
  skip();
  if (s[pos] === close) return [isSeq ? seq : map, pos + 1];
  for (;;) {
    skip();
    let key: string | undefined;
    if (!isSeq) {
      const m = FLOW_KEY.exec(s.slice(pos)) ?? decline();
      key = m[1]!;
      if (key.length > 200 || key === "__proto__" || Object.prototype.hasOwnProperty.call(map, key)) decline();
      pos += m[0].length;
    }
    let v: unknown;
    const c = s[pos];
    if (c === "[" || c === "{") [v, pos] = flow(s, pos, depth + 1);
    else if (c === '"' || c === "'") [v, pos] = quoted(s, pos);
    else {
      const start = pos;
      while (pos < s.length && !",[]{}".includes(s[pos]!) && !(s[pos] === "#" && s[pos - 1] === " ")) pos++;
      const text = s.slice(start, pos).trimEnd();
      if (text.includes(":")) decline();
      v = plain(text);
    }
    if (isSeq) seq.push(v);
    else map[key!] = v;
    skip();
    if (s[pos] === close) return [isSeq ? seq : map, pos + 1];
    if (s[pos] !== ",") decline();
    pos++;
    skip();
    if (s[pos] === close) decline(); // trailing comma
  }
}

/** A plain scalar resolved as the YAML 1.2 core schema does (as the yaml library's tests, in order). */
function plain(v: string): unknown {
  if (v === "" || v.includes("\t") || v.includes(": ") || v.endsWith(":")) decline();
  // Most scalars start with a letter that no null, boolean or number starts with: a string.
  const c = v.charCodeAt(0) | 0x20; // lower case for letters
  if (c >= 97 && c <= 122 && c !== 110 /* n */ && c !== 116 /* t */ && c !== 102 /* f */) return v;
  if (INDICATOR.test(v) && !/^-[0-9.]/.test(v)) decline();
  if (/^(?:~|[Nn]ull|NULL)$/.test(v)) return null;
  if (/^(?:[Tt]rue|TRUE)$/.test(v)) return true;
  if (/^(?:[Ff]alse|FALSE)$/.test(v)) return false;
  if (/^0o[0-7]+$/.test(v)) return parseInt(v.slice(2), 8);
  if (/^[-+]?[0-9]+$/.test(v)) return parseInt(v, 10);
  if (/^0x[0-9a-fA-F]+$/.test(v)) return parseInt(v.slice(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(v)) return v.endsWith("nan") || v.endsWith("NaN") || v.endsWith("NAN") ? NaN : v.startsWith("-") ? -Infinity : Infinity;
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(v)) return parseFloat(v);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(v)) return parseFloat(v);
  return v;
}
