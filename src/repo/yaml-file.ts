// Reading one YAML file defensively: only regular files, a size cap, strict UTF-8 without BOM, no
// hidden characters, bounded nesting and aliases, no duplicate keys, no tags beyond plain data, one
// document; and a map from field paths back to line:column for precise error messages.
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from "yaml";
import type { Diagnostic } from "../util/diagnostic.js";
import { parseSimpleYaml } from "./fast-yaml.js";
import { describeChar, exceededTokenLimit, findForbiddenChar, firstInvalidUtf8, positionOf } from "./text-checks.js";

/** Largest YAML file accepted (the biggest legitimate file, a VO with many endorsers, is a few KiB). */
export const MAX_YAML_BYTES = 256 * 1024;
/** yaml's alias expansion budget; a "billion laughs" document exceeds it and is refused. */
const MAX_ALIAS_COUNT = 100;
/** Alias nodes allowed in a file (real files need none). */
const MAX_ALIASES = 50;
/** Nesting estimate allowed; real files nest 4-5 levels, and a few hundred overflow the parser's stack. */
export const MAX_NESTING = 32;
/** YAML errors reported per file; a garbage file can produce one per line. */
const MAX_ERRORS = 10;
/** Explicit tags that only restate plain data; anything else (!!binary, !!set, !!python/...) is refused. */
const PLAIN_TAGS = new Set(["str", "int", "float", "bool", "null", "seq", "map"].map((t) => `tag:yaml.org,2002:${t}`));

export interface YamlFile {
  file: string;
  data: unknown;
  /** line:column of a field path ("/a/0/b"); falls back to the nearest parent that exists. */
  locate(field: string): { line: number; column: number };
}

export type YamlResult = { ok: true; value: YamlFile } | { ok: false; diagnostics: Diagnostic[] };

const failure = (file: string, message: string, rule: string, line = 0, column = 0, field = ""): YamlResult => ({
  ok: false,
  diagnostics: [{ file, line, column, field, message, rule }],
});

/** One read buffer for every file (reads are synchronous): no allocation per file. */
const readBuffer = Buffer.allocUnsafe(MAX_YAML_BYTES + 1);

export function readYamlFile(absPath: string, displayPath: string): YamlResult {
  // Open without following links and without blocking, then check what was opened: a link, pipe or
  // device named *.yaml must neither lead outside the repository nor hang the reader.
  let fd: number;
  try {
    fd = openSync(absPath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ELOOP") return failure(displayPath, "symbolic links are not allowed in the repository data", "path.symlink");
    return failure(displayPath, `cannot read file: ${(e as Error).message}`, "io");
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return failure(displayPath, `not a regular file (${kindOf(st)})`, "path.not-file");
    // Read to the end, but at most one byte beyond the cap whatever size the file claims.
    let total = 0;
    // (A regular file that gave all its bytes needs no further read to see its end.)
    for (let r = -1; r !== 0 && total <= MAX_YAML_BYTES && !(total > 0 && total === st.size); total += r) {
      r = readSync(fd, readBuffer, total, readBuffer.length - total, null);
    }
    if (total > MAX_YAML_BYTES) return tooBig(readBuffer, Math.max(st.size, total), displayPath);
    return parseYamlText(readBuffer.subarray(0, total), displayPath);
  } catch (e) {
    return failure(displayPath, `cannot read file: ${(e as Error).message}`, "io");
  } finally {
    closeSync(fd);
  }
}

function kindOf(st: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean }): string {
  return st.isDirectory() ? "a directory" : st.isFIFO() ? "a named pipe" : st.isSocket() ? "a socket" : "a device or special file";
}

function tooBig(bytes: Uint8Array, size: number, file: string): YamlResult {
  const head = new TextDecoder().decode(bytes.subarray(0, MAX_YAML_BYTES));
  const at = positionOf(head, head.length);
  return failure(file, `file is ${size} bytes, more than the ${MAX_YAML_BYTES}-byte limit (reached here)`, "yaml.size", at.line, at.column);
}

export function parseYamlText(bytes: Uint8Array, displayPath: string): YamlResult {
  const fail = (message: string, rule: string, line = 0, column = 0, field = "") => failure(displayPath, message, rule, line, column, field);
  if (bytes.length > MAX_YAML_BYTES) return tooBig(bytes, bytes.length, displayPath);
  if (bytes.length === 0) return fail("the file is empty (expected a mapping)", "yaml.empty", 1, 1);
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return fail("starts with a byte-order mark (U+FEFF): save the file as UTF-8 without BOM", "yaml.encoding", 1, 1);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const before = new TextDecoder().decode(bytes.subarray(0, offset));
    const at = positionOf(before, before.length);
    const hex = Array.from(bytes.subarray(offset, offset + 4), (b) => b.toString(16).toUpperCase().padStart(2, "0")).join(" ");
    return fail(`not valid UTF-8: bytes ${hex} at byte offset ${offset} (save the file as UTF-8)`, "yaml.encoding", at.line, at.column);
  }
  const bad = findForbiddenChar(text);
  if (bad) {
    const at = positionOf(text, bad.index);
    return fail(`forbidden character ${describeChar(bad.codePoint)}: control, invisible and bidirectional characters hide what a reviewer reads`, "yaml.character", at.line, at.column);
  }
  // Files in the plain subset (nearly all) are read by the fast reader; positions are only needed
  // for error messages, so the full parse that provides them happens on the first locate().
  const simple = parseSimpleYaml(text);
  if (simple !== undefined) {
    let locator: ((field: string) => { line: number; column: number }) | undefined;
    return { ok: true, value: { file: displayPath, data: simple, locate: (field) => (locator ??= locatorOf(text))(field) } };
  }

  const over = exceededTokenLimit(text, { nesting: MAX_NESTING, aliases: MAX_ALIASES });
  if (over) {
    const at = positionOf(text, over.offset);
    return over.limit === "nesting"
      ? fail(`nested more than ${MAX_NESTING} levels deep`, "yaml.nesting", at.line, at.column)
      : fail(`more than ${MAX_ALIASES} aliases (*name)`, "yaml.alias-bomb", at.line, at.column);
  }

  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, stringKeys: true, prettyErrors: false, strict: true, version: "1.2" });
  const pos = (offset: number) => {
    const p = lc.linePos(offset);
    return { line: p.line, column: p.col };
  };
  // Warnings (e.g. an unresolved !!python/object tag) are refused too: the data must be plain.
  const problems = [...doc.errors, ...doc.warnings];
  const diagnostics: Diagnostic[] = problems.slice(0, MAX_ERRORS).map((e) => ({
    file: displayPath,
    ...pos(e.pos[0]),
    field: "",
    message: e.code === "DUPLICATE_KEY" ? `duplicate key ${JSON.stringify(keyAt(text, e.pos[0]))}: each key may appear once`
      : e.code === "MULTIPLE_DOCS" ? "a second YAML document starts here: a file holds exactly one document"
      : cleanYamlMessage(e.message),
    rule: YAML_RULE[e.code] ?? "yaml",
  }));
  if (problems.length > MAX_ERRORS) {
    diagnostics.push({ file: displayPath, line: 0, column: 0, field: "", message: `${problems.length - MAX_ERRORS} more YAML errors not shown`, rule: "yaml" });
  }
  if (diagnostics.length === 0) diagnostics.push(...tagProblems(doc, displayPath, pos));
  if (diagnostics.length > 0) return { ok: false, diagnostics };

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    const at = pos(firstAliasOffset(doc));
    return fail(`too many alias expansions (limit ${MAX_ALIAS_COUNT}): ${(e as Error).message}`, "yaml.alias-bomb", at.line, at.column);
  }
  if (data === null || data === undefined) return fail("the file holds no data, only comments or markers (expected a mapping)", "yaml.empty", 1, 1);
  const locate = (field: string) => pos(offsetOf(doc, field));
  // Escapes ("\u202e") produce characters the text check cannot see.
  const hidden = hiddenInValues(data);
  if (hidden) {
    return fail(`forbidden character ${describeChar(hidden.codePoint)} (written as an escape)`, "yaml.character", locate(hidden.field).line, locate(hidden.field).column, hidden.field);
  }
  return { ok: true, value: { file: displayPath, data, locate } };
}

const YAML_RULE: Record<string, string> = {
  DUPLICATE_KEY: "yaml.duplicate-key",
  MULTIPLE_DOCS: "yaml.multi-document",
  TAG_RESOLVE_FAILED: "yaml.tag",
  NON_STRING_KEY: "yaml.key",
};

function tagProblems(doc: Document, file: string, pos: (offset: number) => { line: number; column: number }): Diagnostic[] {
  const out: Diagnostic[] = [];
  visit(doc, {
    Node(_key, node) {
      const tag = (node as { tag?: string }).tag;
      if (tag !== undefined && !PLAIN_TAGS.has(tag) && out.length < MAX_ERRORS) {
        out.push({ file, ...pos(node.range?.[0] ?? 0), field: "", message: `tag ${tag} is not allowed: write plain strings, numbers, lists and mappings`, rule: "yaml.tag" });
      }
    },
  });
  return out;
}

function firstAliasOffset(doc: Document): number {
  let offset = 0;
  visit(doc, {
    Alias(_key, node) {
      offset = node.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return offset;
}

/** Field path -> line:column, from a full parse of a text that is known to parse. */
function locatorOf(text: string): (field: string) => { line: number; column: number } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, stringKeys: true, prettyErrors: false, strict: true, version: "1.2" });
  return (field) => {
    const p = lc.linePos(offsetOf(doc, field));
    return { line: p.line, column: p.col };
  };
}

/** Source offset of a field path ("/a/0/b"), or of the nearest parent that exists. */
function offsetOf(doc: Document, field: string): number {
  const parts = field.split("/").slice(1).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  let node = doc.contents as Node | null;
  let best = node?.range ? node.range[0] : 0;
  for (const part of parts) {
    if (isAlias(node)) break;
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === part);
      if (!pair) break;
      const keyNode = pair.key as Node | null;
      if (keyNode?.range) best = keyNode.range[0];
      node = pair.value as Node | null;
      if (node?.range && !isMap(node) && !isSeq(node)) best = node.range[0];
    } else if (isSeq(node)) {
      const item = node.items[Number(part)] as Node | undefined;
      if (!item) break;
      node = item;
      if (node.range) best = node.range[0];
    } else break;
  }
  return best;
}

/** First key or string value (as a field path) holding a forbidden character. */
function hiddenInValues(data: unknown): { field: string; codePoint: number } | undefined {
  const stack: { value: unknown; field: string }[] = [{ value: data, field: "" }];
  while (stack.length > 0) {
    const { value, field } = stack.pop()!;
    if (typeof value === "string") {
      const bad = findForbiddenChar(value);
      if (bad) return { field, codePoint: bad.codePoint };
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => stack.push({ value: v, field: `${field}/${i}` }));
    } else if (value !== null && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) {
        const f = `${field}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`;
        const bad = findForbiddenChar(k);
        if (bad) return { field: f, codePoint: bad.codePoint };
        stack.push({ value: v, field: f });
      }
    }
  }
  return undefined;
}

/** The key written at an offset (plain or quoted), for messages. */
function keyAt(text: string, offset: number): string {
  const m = /^(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*'|[^:#\n]*)/.exec(text.slice(offset, offset + 200));
  return (m?.[0] ?? "").trim();
}

function cleanYamlMessage(m: string): string {
  return m.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
}
