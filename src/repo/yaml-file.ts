// Reading one YAML file defensively: size cap, strict UTF-8, no duplicate keys, bounded aliases,
// and a map from field paths back to line:column for precise error messages.
import { readFileSync, statSync } from "node:fs";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import type { Diagnostic } from "../util/diagnostic.js";

/** Largest YAML file accepted (the biggest legitimate file, a VO with many endorsers, is a few KiB). */
export const MAX_YAML_BYTES = 256 * 1024;
/** yaml's alias expansion budget; a "billion laughs" document exceeds it and is refused. */
const MAX_ALIAS_COUNT = 100;

export interface YamlFile {
  file: string;
  data: unknown;
  /** line:column of a field path ("/a/0/b"); falls back to the nearest parent that exists. */
  locate(field: string): { line: number; column: number };
}

export type YamlResult = { ok: true; value: YamlFile } | { ok: false; diagnostics: Diagnostic[] };

export function readYamlFile(absPath: string, displayPath: string): YamlResult {
  const fail = (message: string, line = 0, column = 0, rule = "yaml"): YamlResult => ({
    ok: false,
    diagnostics: [{ file: displayPath, line, column, field: "", message, rule }],
  });
  let size: number;
  try {
    size = statSync(absPath).size;
  } catch (e) {
    return fail(`cannot read file: ${(e as Error).message}`, 0, 0, "io");
  }
  if (size > MAX_YAML_BYTES) return fail(`file is ${size} bytes, more than the ${MAX_YAML_BYTES}-byte limit`, 0, 0, "yaml.size");
  const bytes = readFileSync(absPath);
  return parseYamlText(bytes, displayPath);
}

export function parseYamlText(bytes: Uint8Array, displayPath: string): YamlResult {
  const fail = (message: string, line = 0, column = 0, rule = "yaml"): YamlResult => ({
    ok: false,
    diagnostics: [{ file: displayPath, line, column, field: "", message, rule }],
  });
  if (bytes.length > MAX_YAML_BYTES) return fail(`file is ${bytes.length} bytes, more than the ${MAX_YAML_BYTES}-byte limit`, 0, 0, "yaml.size");
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    return fail(`not valid UTF-8 (first bad byte at offset ${at.offset})`, at.line, at.column, "yaml.encoding");
  }
  if (text.includes("\u0000")) return fail("contains a NUL character", 0, 0, "yaml.encoding");

  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false, strict: true, version: "1.2" });
  // Warnings (e.g. an unresolved !!python/object tag) are refused too: the data must be plain.
  const errors = [...doc.errors, ...doc.warnings];
  if (errors.length > 0) {
    return {
      ok: false,
      diagnostics: errors.map((e) => {
        const pos = lc.linePos(e.pos[0]);
        const rule = e.code === "DUPLICATE_KEY" ? "yaml.duplicate-key" : "yaml";
        return { file: displayPath, line: pos.line, column: pos.col, field: "", message: cleanYamlMessage(e.message), rule };
      }),
    };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    const msg = (e as Error).message;
    if (/alias/i.test(msg)) return fail(`too many alias expansions (limit ${MAX_ALIAS_COUNT}): ${msg}`, 0, 0, "yaml.alias-bomb");
    return fail(cleanYamlMessage(msg));
  }
  const locate = (field: string) => {
    const parts = field.split("/").slice(1).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
    let node: Node | null = doc.contents as Node | null;
    let best = node?.range ? node.range[0] : 0;
    for (const part of parts) {
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
    const pos = lc.linePos(best);
    return { line: pos.line, column: pos.col };
  };
  return { ok: true, value: { file: displayPath, data, locate } };
}

function cleanYamlMessage(m: string): string {
  return m.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
}

function firstInvalidUtf8(bytes: Uint8Array): { offset: number; line: number; column: number } {
  const dec = new TextDecoder("utf-8", { fatal: true });
  let lo = 0;
  let hi = bytes.length;
  // Binary search for the longest valid prefix (cut points inside a sequence are tolerated by stream:true).
  while (lo < hi) {
    const mid = Math.floor((lo + hi + 1) / 2);
    try {
      dec.decode(bytes.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  const prefix = new TextDecoder().decode(bytes.subarray(0, lo));
  const lines = prefix.split("\n");
  return { offset: lo, line: lines.length, column: lines[lines.length - 1]!.length + 1 };
}
