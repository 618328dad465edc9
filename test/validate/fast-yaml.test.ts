// The fast reader must give exactly what the YAML library gives, or decline. Checked on every YAML
// file of the project, on hand-written edge cases, and on many generated documents.
import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { parseSimpleYaml } from "../../src/repo/fast-yaml.js";

const PROJECT = join(import.meta.dirname, "..", "..");

/** What the full reader makes of a text: its data, or undefined when the text has errors. */
function full(text: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true, stringKeys: true, prettyErrors: false, strict: true, version: "1.2" });
  return doc.errors.length > 0 || doc.warnings.length > 0 ? undefined : doc.toJS();
}

/** Agrees with the full reader, or declines; returns whether it accepted. */
function agrees(text: string): boolean {
  const fast = parseSimpleYaml(text);
  if (fast === undefined) return false;
  expect(full(text), `the full reader rejects a text the fast reader accepted:\n${text}`).toBeDefined();
  expect(fast, text).toEqual(full(text));
  return true;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? yamlFiles(p) : e.name.endsWith(".yaml") ? [p] : [];
  });
}

describe("fast YAML reader", () => {
  it("reads every data file of the repository, as the YAML library does", () => {
    const files = ["images", "endorsements", "revocations"].flatMap((d) => yamlFiles(join(PROJECT, d))).concat(join(PROJECT, "vmendorse.yaml"));
    expect(files.length).toBeGreaterThan(15);
    for (const f of files) expect(agrees(readFileSync(f, "utf8")), f).toBe(true);
  });

  it("agrees or declines on every hostile fixture", () => {
    for (const f of yamlFiles(join(PROJECT, "test", "fixtures", "hostile"))) agrees(readFileSync(f, "utf8"));
  });

  const accepted: [string, string][] = [
    ["scalars of every core type", "a: 1\nb: -2\nc: 1.5\nd: true\ne: False\nf: ~\ng: null\nh:\ni: 0x1F\nj: 0o17\nk: 1e3\nl: .inf\nm: -.Inf\nn: '012'\no: 012\np: +7\nq: 2026-11-19T08:30:00Z\nr: \"20261117\"\n"],
    ["strings that look almost special", "a: a:b\nb: https://x.example/a?b=c#frag\nc: x # comment\nd: 'it''s'\ne: \"a # not a comment\"\nf: a#b\n"],
    ["nested block collections", "a:\n  b:\n    - c: 1\n      d: [1, {x: 2}]\n    -\n      e: f\n    - plain\n  g: {}\nh: []\n"],
    ["a sequence at the indentation of its key", "a:\n- x\n- y: 1\n  z: 2\nb: 3\n"],
    ["block scalars", "a: >-\n  folded\n  text\n\n  para\nb: |\n  literal\n    indented\n  # not a comment\nc: >\n  clip\nd: |-\n  strip\n\ne: 1\n"],
    ["comments and a document start", "---\n# c\na: 1 # c\n\n  # indented comment\nb:   # c\n  c: 2\n"],
    ["CRLF line endings", "a: 1\r\nb:\r\n  - x\r\n"],
  ];
  for (const [name, text] of accepted) {
    it(`accepts ${name}`, () => expect(agrees(text)).toBe(true));
  }

  const declined: [string, string][] = [
    ["anchors and aliases", "a: &x 1\nb: *x\n"],
    ["tags", "a: !!str 1\n"],
    ["a duplicate key", "a: 1\na: 2\n"],
    ["a second document", "a: 1\n---\nb: 2\n"],
    ["an explicit key", "? a\n: 1\n"],
    ["a multi-line plain scalar", "a: one\n  two\n"],
    ["escapes in double quotes", "a: \"x\\ty\"\n"],
    ["a quoted scalar over two lines", "a: 'x\n  y'\n"],
    ["a flow collection over two lines", "a: [1,\n  2]\n"],
    ["a top-level sequence", "- a\n"],
    ["a top-level scalar", "a\n"],
    ["__proto__", "__proto__: 1\n"],
    ["a tab in the indentation", "a:\n\tb: 1\n"],
    ["compact nested sequences", "a:\n- - x\n"],
    ["keep chomping", "a: |+\n  x\n\n"],
    ["a folded block with more-indented lines", "a: >\n  x\n    y\n"],
    ["a block scalar at the end without a line break", "a: |\n  x"],
    ["a trailing comma", "a: [1, 2, ]\n"],
    ["a document end marker", "a: 1\n...\n"],
    ["a key with spaces", "a b: 1\n"],
    ["a directive", "%YAML 1.2\n---\na: 1\n"],
  ];
  for (const [name, text] of declined) {
    it(`declines ${name}`, () => expect(parseSimpleYaml(text)).toBeUndefined());
  }

  it("agrees with the YAML library on 3,000 generated documents", () => {
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const pick = <T>(xs: T[]) => xs[rnd(xs.length)]!;
    const SCALARS = ["1", "-3", "0.5", "1e2", "true", "False", "null", "~", "x", "a b", "a:b", "'q'", "'it''s'", '"dq"', '"a # b"', "2026-01-01", "[]", "{}", "[a, 1, 'b']", "{ a: 1, b: [x] }", "x # c", "-x", ".nan", "0x10", "0o7", "+1", "012", "a #b", "a#b", "", "|", ">-"];
    const line = (indent: number, depth: number): string[] => {
      const pad = " ".repeat(indent);
      const key = pick(["a", "b", "c", "key_1", "x-y", "1", "true"]);
      const kind = depth > 3 ? 0 : rnd(5);
      const scalar = pick(SCALARS);
      if (scalar === "|" || scalar === ">-") return [`${pad}${key}: ${scalar}`, `${pad}  text one`, ...(rnd(2) ? [""] : []), `${pad}  text two`];
      if (kind <= 2) return [`${pad}${key}: ${scalar}`];
      const child = indent + pick([1, 2, 4]);
      if (kind === 3) return [`${pad}${key}:`, ...Array.from({ length: 1 + rnd(3) }, () => line(child, depth + 1)).flat()];
      const seqIndent = pick([indent, child]);
      return [`${pad}${key}:`, ...Array.from({ length: 1 + rnd(3) }, () => (rnd(2) ? [`${" ".repeat(seqIndent)}- ${pick(SCALARS.filter((s) => s !== "|" && s !== ">-"))}`] : [`${" ".repeat(seqIndent)}- k: ${pick(SCALARS.filter((s) => s !== "|" && s !== ">-"))}`, `${" ".repeat(seqIndent + 2)}j: 1`])).flat()];
    };
    let accepted = 0;
    for (let n = 0; n < 3000; n++) {
      const text = Array.from({ length: 1 + rnd(6) }, () => line(0, 0)).flat().join("\n") + "\n";
      if (agrees(text)) accepted++;
    }
    // Most generated documents are in the subset (duplicate keys and odd scalars are declined).
    expect(accepted).toBeGreaterThan(500);
  });
});
