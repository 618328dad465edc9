// Hostile input: each case puts one broken, malicious or odd file into a copy of the example
// repository and runs the built CLI. `vmendorse validate` must exit 1, print only diagnostic lines
// (no stack trace), name the file, line:column, field and rule, and finish in bounded time.
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { closeSync, cpSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync, ftruncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll } from "vitest";
import { copyRepo } from "../compose/repo-copy.js";
import { vmendorse } from "../cli/run-cli.js";
import { parseDiagnostics, type PrintedDiagnostic } from "./diagnostic-lines.js";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "hostile");
const NOW = "2026-11-23T12:00:00Z";
/** Far above a normal run (well under a second), far below a hang. */
const TIME_LIMIT_MS = 20_000;
const MAX = 256 * 1024;

const ENDORSEMENT = "endorsements/biomed/egi.debian.12.yaml";
const VO = "endorsements/biomed/vo.yaml";

const outside = mkdtempSync(join(tmpdir(), "vmendorse-outside-"));
afterAll(() => rmSync(outside, { recursive: true, force: true }));

interface Expected {
  file: string;
  line?: number;
  column?: number;
  field?: string;
  rule: string;
  message: RegExp;
}

interface Case {
  name: string;
  /** Puts the hostile content into the repository copy. */
  place: (root: string) => void;
  expect: Expected[];
}

const fixture = (name: string, at = ENDORSEMENT) => (root: string) => {
  writeFileSync(join(root, at), readFileSync(join(FIXTURES, name)));
};
const bytes = (content: () => Uint8Array | string, at = ENDORSEMENT) => (root: string) => {
  writeFileSync(join(root, at), content());
};
const original = (at: string) => readFileSync(join(import.meta.dirname, "..", "..", at));
const originalText = (at: string) => original(at).toString("utf8");

/** Deterministic pseudo-random bytes (xorshift32): "binary garbage" without committing a binary. */
function garbage(n: number, seed = 0x9e3779b9): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** 1-based line and column of a character offset in a text (independent of the code under test). */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

const padded = originalText(ENDORSEMENT) + "# padding to exceed the size limit\n".repeat(Math.ceil((MAX + 40_000) / 35));
const nulText = originalText(ENDORSEMENT).replace("endorser: spop", "endorser: sp\u0000op");
const bidiText = originalText(ENDORSEMENT).replace("checklist:", "# reviewed \u202eevil\u202c ok\nchecklist:");
const crText = originalText(ENDORSEMENT).replace(/\n/g, "\r");
const deepFlow = `appliance: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n`;
const manyErrors = "a: b: c\n".repeat(25_000);
const latin1 = Buffer.concat([Buffer.from(originalText(VO).split("Sorina Pop")[0]!), Buffer.from([0x4a, 0x6f, 0x73, 0xe9]), Buffer.from(" Pop" + originalText(VO).split("Sorina Pop").slice(1).join("Sorina Pop"))]);

const CASES: Case[] = [
  {
    name: "billion laughs (alias bomb)",
    place: fixture("alias-bomb.yaml"),
    expect: [{ file: ENDORSEMENT, line: 8, column: 23, rule: "yaml.alias-bomb", message: /more than 50 aliases/ }],
  },
  {
    name: "few aliases that expand exponentially",
    place: fixture("alias-expansion.yaml"),
    expect: [{ file: ENDORSEMENT, line: 4, column: 8, rule: "yaml.alias-bomb", message: /too many alias expansions/ }],
  },
  {
    name: "duplicate key (a second digest)",
    place: fixture("duplicate-key.yaml"),
    expect: [{ file: ENDORSEMENT, line: 7, column: 1, rule: "yaml.duplicate-key", message: /^duplicate key "digest"/ }],
  },
  {
    name: "file larger than the size cap",
    place: bytes(() => padded),
    expect: [{ file: ENDORSEMENT, ...lineColumn(padded, MAX), rule: "yaml.size", message: new RegExp(`^file is ${Buffer.byteLength(padded)} bytes, more than the ${MAX}-byte limit`) }],
  },
  {
    name: "4 GiB sparse file (not read into memory)",
    place: (root) => {
      const fd = openSync(join(root, ENDORSEMENT), "w");
      ftruncateSync(fd, 4 * 1024 ** 3);
      closeSync(fd);
    },
    expect: [{ file: ENDORSEMENT, rule: "yaml.size", message: /^file is 4294967296 bytes, more than the 262144-byte limit/ }],
  },
  {
    name: "not UTF-8 (Latin-1 name)",
    place: bytes(() => latin1, VO),
    expect: [{ file: VO, line: 7, column: 14, rule: "yaml.encoding", message: /^not valid UTF-8: bytes E9 20 50 6F at byte offset \d+/ }],
  },
  {
    name: "binary garbage",
    place: bytes(() => garbage(4096)),
    expect: [{ file: ENDORSEMENT, line: 1, rule: "yaml.encoding", message: /^not valid UTF-8/ }],
  },
  {
    name: "byte-order mark",
    place: bytes(() => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), original(ENDORSEMENT)])),
    expect: [{ file: ENDORSEMENT, line: 1, column: 1, rule: "yaml.encoding", message: /byte-order mark/ }],
  },
  {
    name: "NUL byte inside a value",
    place: bytes(() => nulText),
    expect: [{ file: ENDORSEMENT, ...lineColumn(nulText, nulText.indexOf("\u0000")), rule: "yaml.character", message: /U\+0000 \(NUL\)/ }],
  },
  {
    name: "bidirectional override in a comment (Trojan Source)",
    place: bytes(() => bidiText),
    expect: [{ file: ENDORSEMENT, ...lineColumn(bidiText, bidiText.indexOf("\u202e")), rule: "yaml.character", message: /U\+202E \(RIGHT-TO-LEFT OVERRIDE\)/ }],
  },
  {
    name: "zero-width space written as an escape",
    place: fixture("escaped-zero-width.yaml"),
    expect: [{ file: ENDORSEMENT, line: 6, column: 11, field: "/endorser", rule: "yaml.character", message: /U\+200B \(ZERO WIDTH SPACE\) \(written as an escape\)/ }],
  },
  {
    name: "carriage returns without line feeds",
    place: bytes(() => crText),
    expect: [{ file: ENDORSEMENT, line: 1, column: crText.indexOf("\r") + 1, rule: "yaml.character", message: /U\+000D/ }],
  },
  {
    name: "wrong types (number for string, string for number and boolean)",
    place: fixture("wrong-types.yaml"),
    expect: [
      { file: ENDORSEMENT, line: 4, column: 10, field: "/version", rule: "schema", message: /^must be of type string$/ },
      { file: ENDORSEMENT, line: 8, column: 16, field: "/lifetime_days", rule: "schema", message: /^must be of type integer$/ },
      { file: ENDORSEMENT, line: 10, column: 17, field: "/checklist/acknowledged", rule: "schema", message: /^must be true$/ },
    ],
  },
  {
    name: "infinite number",
    place: fixture("infinite-lifetime.yaml"),
    expect: [{ file: ENDORSEMENT, line: 8, column: 16, field: "/lifetime_days", rule: "schema", message: /^must be of type integer$/ }],
  },
  {
    name: "unknown field",
    place: fixture("unknown-field.yaml"),
    expect: [{ file: ENDORSEMENT, line: 8, field: "/approved_by_csirt", rule: "schema", message: /^unknown field "approved_by_csirt"$/ }],
  },
  {
    name: "__proto__ key",
    place: fixture("proto-key.yaml"),
    expect: [{ file: ENDORSEMENT, line: 8, column: 1, field: "/__proto__", rule: "schema", message: /^unknown field "__proto__"$/ }],
  },
  {
    name: "YAML 1.1 merge key",
    place: fixture("merge-key.yaml"),
    expect: [{ file: ENDORSEMENT, line: 8, field: "/<<", rule: "schema", message: /^unknown field "<<"$/ }],
  },
  {
    name: "a key that is a list",
    place: fixture("complex-key.yaml"),
    expect: [{ file: ENDORSEMENT, line: 6, column: 3, rule: "yaml.key", message: /keys must be strings/ }],
  },
  {
    name: "path traversal in an appliance id",
    place: fixture("traversal-id.yaml"),
    expect: [{ file: ENDORSEMENT, line: 3, column: 12, field: "/appliance", rule: "schema", message: /^"\.\.\/\.\.\/\.\.\/etc\/passwd" does not match .*\(path traversal is refused\)$/ }],
  },
  {
    name: "path traversal in a packer template path",
    place: fixture("traversal-template.yaml", "images/egi.almalinux.9/image.yaml"),
    expect: [{ file: "images/egi.almalinux.9/image.yaml", line: 20, column: 13, field: "/builder/template", rule: "schema", message: /path traversal is refused/ }],
  },
  {
    name: "look-alike VO name (Cyrillic е)",
    place: fixture("lookalike-vo-name.yaml", VO),
    expect: [{ file: VO, line: 3, column: 7, field: "/name", rule: "schema", message: /non-ASCII character U\+0435 at position 5: .*look-alike/ }],
  },
  {
    name: "image restricted to a look-alike VO (Cyrillic о)",
    place: fixture("lookalike-image-vo.yaml", "images/biomed.galaxy/image.yaml"),
    expect: [{ file: "images/biomed.galaxy/image.yaml", line: 8, column: 5, field: "/vo", rule: "schema", message: /U\+043E/ }],
  },
  {
    name: "VO folder with a look-alike name",
    place: (root) => cpSync(join(root, "endorsements", "biomed"), join(root, "endorsements", "bi\u043emed"), { recursive: true }),
    expect: [{ file: "endorsements/bi\u043emed", rule: "path.unsafe", message: /non-ASCII or control characters \(look-alike names are refused\)/ }],
  },
  {
    name: "VO folder name in upper case",
    place: (root) => cpSync(join(root, "endorsements", "biomed"), join(root, "endorsements", "Biomed"), { recursive: true }),
    expect: [{ file: "endorsements/Biomed", rule: "path.unsafe", message: /not a safe name/ }],
  },
  {
    name: "endorsement dated in the future",
    place: fixture("future-date.yaml"),
    expect: [{ file: ENDORSEMENT, line: 7, column: 14, field: "/endorsed_at", rule: "date.future", message: /2099-01-01T00:00:00Z is in the future/ }],
  },
  {
    name: "date that does not exist (30 February)",
    place: fixture("impossible-date.yaml"),
    expect: [{ file: ENDORSEMENT, line: 7, column: 14, field: "/endorsed_at", rule: "schema", message: /is not a valid date-time/ }],
  },
  {
    name: "absurd appointment dates (1970, 9999)",
    place: fixture("absurd-dates.yaml", VO),
    expect: [
      { file: VO, line: 11, column: 16, field: "/endorsers/0/appointed", rule: "date.absurd", message: /before 2010/ },
      { file: VO, line: 12, column: 12, field: "/endorsers/0/until", rule: "date.absurd", message: /more than two years ahead/ },
    ],
  },
  {
    name: "unresolved language tag (!!python/object/apply)",
    place: fixture("python-tag.yaml"),
    expect: [{ file: ENDORSEMENT, line: 6, column: 11, rule: "yaml.tag", message: /python\/object\/apply:os\.system/ }],
  },
  {
    name: "resolvable but non-plain tag (!!binary)",
    place: fixture("binary-tag.yaml"),
    expect: [{ file: ENDORSEMENT, line: 11, rule: "yaml.tag", message: /binary is not allowed/ }],
  },
  {
    name: "two YAML documents in one file",
    place: fixture("multi-document.yaml"),
    expect: [{ file: ENDORSEMENT, line: 11, column: 1, rule: "yaml.multi-document", message: /second YAML document/ }],
  },
  {
    name: "empty file",
    place: fixture("empty.yaml"),
    expect: [{ file: ENDORSEMENT, line: 1, column: 1, rule: "yaml.empty", message: /empty/ }],
  },
  {
    name: "only comments and a document marker",
    place: fixture("comments-only.yaml"),
    expect: [{ file: ENDORSEMENT, line: 1, column: 1, rule: "yaml.empty", message: /no data/ }],
  },
  {
    name: "a plain string instead of a mapping",
    place: fixture("scalar-document.yaml"),
    expect: [{ file: ENDORSEMENT, line: 2, column: 1, rule: "schema", message: /^must be of type object$/ }],
  },
  {
    name: "tabs as indentation",
    place: fixture("tab-indent.yaml"),
    expect: [{ file: ENDORSEMENT, line: 3, column: 1, rule: "yaml", message: /Tabs/ }],
  },
  {
    name: "100,000 nested flow sequences",
    place: bytes(() => deepFlow),
    expect: [{ file: ENDORSEMENT, line: 1, column: 42, rule: "yaml.nesting", message: /nested more than 32 levels/ }],
  },
  {
    name: "deep nesting in few bytes (compact sequences)",
    place: fixture("compact-nesting.yaml"),
    expect: [{ file: ENDORSEMENT, line: 3, column: 63, rule: "yaml.nesting", message: /nested more than 32 levels/ }],
  },
  {
    name: "thousands of syntax errors (only the first are listed)",
    place: bytes(() => manyErrors),
    expect: [
      { file: ENDORSEMENT, line: 1, rule: "yaml", message: /mappings/ },
      { file: ENDORSEMENT, rule: "yaml", message: /^\d+ more YAML errors not shown$/ },
    ],
  },
  {
    name: "a 200 KB value",
    place: bytes(() => originalText(VO).replace(/^description: .*$/m, `description: "${"x".repeat(200_000)}"`), VO),
    expect: [{ file: VO, line: 3, column: 14, field: "/description", rule: "schema", message: /more than 4000 characters/ }],
  },
  {
    name: "symbolic link to a file outside the repository",
    place: (root) => {
      rmSync(join(root, ENDORSEMENT));
      symlinkSync("/etc/passwd", join(root, ENDORSEMENT));
    },
    expect: [{ file: ENDORSEMENT, rule: "path.symlink", message: /symbolic links are not allowed/ }],
  },
  {
    name: "configuration file linked to /dev/zero (endless)",
    place: (root) => {
      rmSync(join(root, "vmendorse.yaml"));
      symlinkSync("/dev/zero", join(root, "vmendorse.yaml"));
    },
    expect: [{ file: "vmendorse.yaml", rule: "path.symlink", message: /symbolic links are not allowed/ }],
  },
  {
    name: "data folder linked outside the repository",
    place: (root) => {
      const elsewhere = mkdtempSync(join(outside, "revocations-"));
      cpSync(join(root, "revocations"), elsewhere, { recursive: true });
      rmSync(join(root, "revocations"), { recursive: true });
      symlinkSync(elsewhere, join(root, "revocations"));
    },
    expect: [{ file: "revocations", rule: "path.symlink", message: /symbolic links are not allowed/ }],
  },
  {
    name: "VO folder linked outside the repository",
    place: (root) => {
      const elsewhere = mkdtempSync(join(outside, "vo-"));
      cpSync(join(root, "endorsements", "biomed"), elsewhere, { recursive: true });
      symlinkSync(elsewhere, join(root, "endorsements", "evil.vo"));
    },
    expect: [{ file: "endorsements/evil.vo", rule: "path.symlink", message: /symbolic links are not allowed/ }],
  },
  {
    name: "named pipe called like an endorsement (would block a reader)",
    place: (root) => {
      rmSync(join(root, ENDORSEMENT));
      execFileSync("mkfifo", [join(root, ENDORSEMENT)]);
    },
    expect: [{ file: ENDORSEMENT, rule: "path.not-file", message: /not a regular file \(a named pipe\)/ }],
  },
  {
    name: "directory called image.yaml",
    place: (root) => {
      rmSync(join(root, "images/egi.debian.12/image.yaml"));
      mkdirSync(join(root, "images/egi.debian.12/image.yaml"));
    },
    expect: [{ file: "images/egi.debian.12/image.yaml", rule: "path.not-file", message: /not a regular file \(a directory\)/ }],
  },
  {
    name: "unexpected file in a VO folder",
    place: (root) => writeFileSync(join(root, "endorsements/biomed/notes.txt"), "remember to endorse\n"),
    expect: [{ file: "endorsements/biomed/notes.txt", rule: "path.unexpected", message: /a VO folder holds vo\.yaml and <appliance>\.yaml files/ }],
  },
  {
    name: "*.yml twin of an endorsement",
    place: (root) => writeFileSync(join(root, "endorsements/biomed/egi.debian.12.yml"), originalText(ENDORSEMENT).replace("spop", "mallory")),
    expect: [{ file: "endorsements/biomed/egi.debian.12.yml", rule: "path.unexpected", message: /named \*\.yaml/ }],
  },
  {
    name: "hidden endorsement file",
    place: (root) => writeFileSync(join(root, "endorsements/biomed/.egi.debian.12.yaml"), originalText(ENDORSEMENT)),
    expect: [{ file: "endorsements/biomed/.egi.debian.12.yaml", rule: "path.unexpected", message: /hidden entry/ }],
  },
  {
    name: "folder inside releases/",
    place: (root) => mkdirSync(join(root, "images/egi.debian.12/releases/20261117")),
    expect: [{ file: "images/egi.debian.12/releases/20261117", rule: "path.unexpected", message: /releases\/ holds only/ }],
  },
  {
    name: "file name forging output lines (newline, CI workflow command)",
    place: (root) => writeFileSync(join(root, "endorsements/biomed/x\n::error file=vmendorse.yaml::forged.yaml"), originalText(ENDORSEMENT)),
    expect: [{ file: "endorsements/biomed/x\\u000a::error file=vmendorse.yaml::forged.yaml", rule: "path.unsafe", message: /^endorsement file name "x\\u000a::error/ }],
  },
];

function matches(d: PrintedDiagnostic, e: Expected): boolean {
  return d.file === e.file && d.rule === e.rule && e.message.test(d.message)
    && (e.line === undefined || d.line === e.line)
    && (e.column === undefined || d.column === e.column)
    && (e.field === undefined || d.field === e.field);
}

describe("vmendorse validate on hostile input", () => {
  for (const c of CASES) {
    it(c.name, () => {
      const root = copyRepo();
      mkdirSync(dirname(join(root, ENDORSEMENT)), { recursive: true });
      c.place(root);
      const started = Date.now();
      const r = vmendorse(["validate", "--root", root, "--now", NOW]);
      const elapsed = Date.now() - started;
      expect(r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m); // no stack trace
      expect(r.code, r.stderr).toBe(1);
      expect(elapsed).toBeLessThan(TIME_LIMIT_MS);
      expect(r.stdout).toMatch(/^invalid: \d+ problem\(s\)/);
      const printed = parseDiagnostics(r.stderr); // every line is a diagnostic
      for (const e of c.expect) {
        expect(printed.some((d) => matches(d, e)), `expected ${JSON.stringify({ ...e, message: String(e.message) })} in:\n${r.stderr}`).toBe(true);
      }
      // No output line can pass for a CI workflow command.
      expect(r.stderr + r.stdout).not.toMatch(/^::/m);
    });
  }

  it("the example repository itself is valid", () => {
    const r = vmendorse(["validate", "--root", copyRepo(), "--now", NOW]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });
});
