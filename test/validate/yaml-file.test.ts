// The defensive YAML reader on its own: what ordinary YAML it accepts and where it reports problems.
import { describe, expect, it } from "vitest";
import { parseYamlText } from "../../src/repo/yaml-file.js";
import { exceededTokenLimit, firstInvalidUtf8 } from "../../src/repo/text-checks.js";

const parse = (text: string | Uint8Array) => parseYamlText(typeof text === "string" ? new TextEncoder().encode(text) : text, "f.yaml");

describe("parseYamlText", () => {
  it("accepts ordinary YAML: CRLF, block scalars, flow collections, a few anchors, document markers", () => {
    const text = [
      "---",
      "# comment",
      "title: \"Quoted: with colon\"",
      "description: >-",
      "  folded text",
      "            with deep indentation inside the scalar",
      "list: [a, {b: 1, c: [2, 3]}, 'd']",
      "base: &base { x: 1 }",
      "copy: *base",
      "name: José Müller",
      "...",
      "",
    ].join("\r\n");
    const r = parse(text);
    expect(r.ok && r.value.data).toEqual({
      title: "Quoted: with colon",
      description: "folded text\n          with deep indentation inside the scalar",
      list: ["a", { b: 1, c: [2, 3] }, "d"],
      base: { x: 1 },
      copy: { x: 1 },
      name: "José Müller",
    });
  });

  it("locates fields (key of a collection, value of a scalar) by line and column", () => {
    const r = parse("a:\n  b:\n    - x: 1\n      y: two\n");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.locate("/a/b/0/y")).toEqual({ line: 4, column: 10 });
    expect(r.value.locate("/a/b")).toEqual({ line: 2, column: 3 });
    expect(r.value.locate("/a/missing")).toEqual({ line: 1, column: 1 });
  });

  it("keeps __proto__ as a plain key without touching prototypes", () => {
    const r = parse("__proto__: { polluted: true }\n");
    expect(r.ok && Object.getPrototypeOf(r.value.data)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("accepts 31 levels of nesting and refuses deeper", () => {
    const nest = (n: number) => `a: ${"[".repeat(n)}${"]".repeat(n)}\n`;
    expect(parse(nest(30)).ok).toBe(true);
    const r = parse(nest(100));
    expect(!r.ok && r.diagnostics[0]!.rule).toBe("yaml.nesting");
  });

  it("reports every YAML error of a file up to a limit, then how many more", () => {
    const r = parse("a: b: c\n".repeat(50));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.diagnostics).toHaveLength(11);
    expect(r.diagnostics[10]!.message).toMatch(/^\d+ more YAML errors not shown$/);
  });
});

describe("text checks", () => {
  it("finds the first byte of an invalid or truncated UTF-8 sequence", () => {
    const enc = (s: string) => Array.from(new TextEncoder().encode(s));
    expect(firstInvalidUtf8(new Uint8Array([...enc("ab"), 0xff, ...enc("cd")]))).toBe(2);
    expect(firstInvalidUtf8(new Uint8Array([...enc("aé"), 0xe2, 0x28, 0xa1]))).toBe(3); // bad continuation
    expect(firstInvalidUtf8(new Uint8Array([...enc("abc"), 0xe2, 0x82]))).toBe(3); // cut at the end
    expect(firstInvalidUtf8(new Uint8Array([0xc0, 0x80]))).toBe(0); // overlong NUL
  });

  it("counts block indentation, indicators and flow collections toward nesting", () => {
    const block = Array.from({ length: 40 }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n");
    expect(exceededTokenLimit(block, { nesting: 32, aliases: 50 })?.limit).toBe("nesting");
    const wide = `a: {${Array.from({ length: 500 }, (_, i) => `k${i}: ${i}`).join(", ")}}\n`;
    expect(exceededTokenLimit(wide, { nesting: 32, aliases: 50 })).toBeUndefined();
    const aliases = `a: &a x\nb: [${Array(51).fill("*a").join(", ")}]\n`;
    expect(exceededTokenLimit(aliases, { nesting: 32, aliases: 50 })?.limit).toBe("aliases");
  });
});

describe("mutated files", () => {
  it("never make the reader or the schema check throw (1,000 deterministic mutations)", async () => {
    const { readFileSync, readdirSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { validateYaml } = await import("../../src/schema/validator.js");
    const root = join(import.meta.dirname, "..", "..");
    const files = [
      ["vmendorse.yaml", "config.schema.json"],
      ["endorsements/biomed/vo.yaml", "vo.schema.json"],
      ["endorsements/biomed/egi.debian.12.yaml", "endorsement.schema.json"],
      ["images/egi.debian.12/image.yaml", "image.schema.json"],
      ["images/egi.debian.12/releases/20261117.yaml", "release.schema.json"],
      ...readdirSync(join(root, "revocations")).filter((f) => f.endsWith(".yaml")).map((f) => [`revocations/${f}`, "revocation.schema.json"]),
    ] as const;
    const pieces = [": ", "- ", "\n", "  ", "[", "]", "{", "}", "&a ", "*a", "!!str ", "'", '"', "#", "|", ">-", "\t", "---\n", "\u00e9", "\u202e", "\\u0000", "?", ",", "~", "<<: "];
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 48271) % 2147483647;
      return seed % n;
    };
    let valid = 0;
    for (let n = 0; n < 1000; n++) {
      const [file, schema] = files[rnd(files.length)]!;
      let text = readFileSync(join(root, file), "utf8");
      for (let k = 1 + rnd(4); k > 0; k--) {
        const at = rnd(text.length + 1);
        text = rnd(3) === 0 ? text.slice(0, at) + text.slice(at + 1 + rnd(8)) : text.slice(0, at) + pieces[rnd(pieces.length)] + text.slice(at);
      }
      const r = parse(text);
      if (!r.ok) {
        for (const d of r.diagnostics) expect(d.rule).toMatch(/^yaml/);
        continue;
      }
      const errors = validateYaml(schema, r.value);
      for (const d of errors) expect(d.line).toBeGreaterThan(0);
      if (errors.length === 0) valid++;
    }
    expect(valid).toBeLessThan(1000);
  });
});
