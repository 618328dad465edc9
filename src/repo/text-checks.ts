// Checks on the raw text of a YAML file, before the YAML library sees it: encoding, characters that
// hide what a reviewer reads (controls, bidirectional overrides, zero-width), and nesting depth.
import { Lexer } from "yaml";

/** Where a problem is in the text: 0-based UTF-16 offset, plus 1-based line and column. */
export interface TextPosition {
  offset: number;
  line: number;
  column: number;
}

export function positionOf(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { offset, line, column: offset - lineStart + 1 };
}

/** Byte offset of the first byte that is not part of valid UTF-8 (call only when decoding failed). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const decodes = (end: number) => {
    try {
      // A fresh decoder per probe; stream mode tolerates a valid sequence cut at `end`.
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, end), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  let lo = 0;
  let hi = bytes.length;
  while (lo < hi) {
    const mid = Math.floor((lo + hi + 1) / 2);
    if (decodes(mid)) lo = mid;
    else hi = mid - 1;
  }
  // The longest decodable prefix may end inside a sequence that the next byte breaks: point at its start.
  let i = lo - 1;
  while (i > 0 && lo - i < 4 && (bytes[i]! & 0xc0) === 0x80) i--;
  const lead = i >= 0 ? bytes[i]! : 0;
  const length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return i >= 0 && i + length > lo ? i : lo;
}

// Characters refused anywhere in a file (comments included): C0/C1 controls other than tab and
// newline, a carriage return not followed by a newline (tools disagree on line numbers), bidirectional
// controls and invisible characters (a reviewer would read something else than the parser does:
// "Trojan Source"), line/paragraph separators and a byte-order mark.
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]|\r(?!\n)/u;

const NAMES: Record<number, string> = {
  0x0000: "NUL",
  0x000d: "CARRIAGE RETURN without a following line feed",
  0x00ad: "SOFT HYPHEN",
  0x061c: "ARABIC LETTER MARK",
  0x200b: "ZERO WIDTH SPACE",
  0x200c: "ZERO WIDTH NON-JOINER",
  0x200d: "ZERO WIDTH JOINER",
  0x200e: "LEFT-TO-RIGHT MARK",
  0x200f: "RIGHT-TO-LEFT MARK",
  0x2028: "LINE SEPARATOR",
  0x2029: "PARAGRAPH SEPARATOR",
  0x202a: "LEFT-TO-RIGHT EMBEDDING",
  0x202b: "RIGHT-TO-LEFT EMBEDDING",
  0x202c: "POP DIRECTIONAL FORMATTING",
  0x202d: "LEFT-TO-RIGHT OVERRIDE",
  0x202e: "RIGHT-TO-LEFT OVERRIDE",
  0x2060: "WORD JOINER",
  0x2066: "LEFT-TO-RIGHT ISOLATE",
  0x2067: "RIGHT-TO-LEFT ISOLATE",
  0x2068: "FIRST STRONG ISOLATE",
  0x2069: "POP DIRECTIONAL ISOLATE",
  0xfeff: "BYTE ORDER MARK / ZERO WIDTH NO-BREAK SPACE",
};

export function describeChar(cp: number): string {
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
  const name = NAMES[cp] ?? (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ? "control character" : undefined);
  return name ? `${hex} (${name})` : hex;
}

/** The first forbidden character of a text, or undefined. */
export function findForbiddenChar(text: string): { index: number; codePoint: number } | undefined {
  const m = FORBIDDEN.exec(text);
  if (!m) return undefined;
  return { index: m.index, codePoint: m[0].codePointAt(0)! };
}

/** First character outside printable ASCII, for "look-alike" messages. */
export function firstNonAscii(s: string): { index: number; codePoint: number } | undefined {
  const m = /[^\x20-\x7e]/u.exec(s);
  return m ? { index: m.index, codePoint: m[0].codePointAt(0)! } : undefined;
}

export interface TokenLimits {
  /** Largest nesting estimate allowed. */
  nesting: number;
  /** Most alias nodes ("*name") allowed: each costs the parser a lookup, thousands cost seconds. */
  aliases: number;
}

/**
 * Scans the YAML tokens (the lexer is not recursive, the composer is: a few hundred nested levels
 * overflow its stack) for an upper estimate of the nesting depth and the number of aliases. The
 * nesting estimate counts open flow collections, block indentation levels and block indicators on
 * the current line ("- - - x"). Returns the first limit exceeded and where, or undefined.
 */
export function exceededTokenLimit(text: string, limits: TokenLimits): { limit: keyof TokenLimits; offset: number } | undefined {
  let offset = 0;
  let flow = 0;
  let lineStart = true;
  let indent = 0;
  let indicators = 0;
  let aliases = 0;
  let scalarSourceNext = false;
  const levels: number[] = [];
  for (const tok of new Lexer().lex(text)) {
    const at = offset;
    // Control tokens (document start, flow end, scalar marker) have no source text.
    if (tok === "\u0002" || tok === "\u0018" || tok === "\u001f") {
      if (tok === "\u001f") scalarSourceNext = true;
      continue;
    }
    offset += tok.length;
    if (scalarSourceNext) {
      scalarSourceNext = false;
      // A block scalar's source runs to the end of its last line.
      if (tok.endsWith("\n")) {
        lineStart = true;
        indent = 0;
        indicators = 0;
        continue;
      }
    } else if (tok === "\n" || tok === "\r\n") {
      lineStart = true;
      indent = 0;
      indicators = 0;
      continue;
    } else if (/^[ \t]+$/.test(tok)) {
      if (lineStart) indent = tok.length;
      continue;
    } else if (tok.startsWith("#")) continue;
    if (lineStart) {
      lineStart = false;
      if (flow === 0) {
        while (levels.length > 0 && levels[levels.length - 1]! > indent) levels.pop();
        if (levels.length === 0 || levels[levels.length - 1]! < indent) levels.push(indent);
      }
    }
    if (tok === "[" || tok === "{") flow++;
    else if (tok === "]" || tok === "}") flow = Math.max(0, flow - 1);
    else if (flow === 0 && (tok === "-" || tok === "?" || tok === ":")) indicators++;
    else if (tok.startsWith("*") && ++aliases > limits.aliases) return { limit: "aliases", offset: at };
    if (levels.length + indicators + flow > limits.nesting) return { limit: "nesting", offset: at };
  }
  return undefined;
}
