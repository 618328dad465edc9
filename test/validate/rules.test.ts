// Every cross-file rule of src/validate/rules.ts (and the loader's file-level rules): each test
// breaks one thing in a copy of the example repository and expects that rule, at that file and line.
import { describe, expect, it } from "vitest";
import { cpSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { copyRepo } from "../compose/repo-copy.js";
import { vmendorse } from "../cli/run-cli.js";
import { validateRepository } from "../../src/validate/index.js";
import type { Diagnostic } from "../../src/util/diagnostic.js";

const NOW = Date.parse("2026-11-23T12:00:00Z");

const DEBIAN = "images/egi.debian.12/image.yaml";
const DEBIAN_REL = "images/egi.debian.12/releases/20261117.yaml";
const GALAXY = "images/biomed.galaxy/image.yaml";
const BIOMED_VO = "endorsements/biomed/vo.yaml";
const BIOMED_DEBIAN = "endorsements/biomed/egi.debian.12.yaml";
const REVOCATION = "revocations/egi.almalinux.9@20261104.yaml";

/** A repository copy with edits: [file, text to find, replacement] (the text must be there). */
type Edit = [file: string, find: string | RegExp, replace: string];

function repoWith(edits: Edit[] = []): string {
  const root = copyRepo();
  for (const [file, find, replace] of edits) {
    const path = join(root, file);
    const before = readFileSync(path, "utf8");
    const after = before.replace(find, replace);
    if (after === before) throw new Error(`edit of ${file}: ${String(find)} not found`);
    writeFileSync(path, after);
  }
  return root;
}

/** 1-based line of the nth line of a file (in the repository copy) containing `needle`. */
function lineOf(root: string, file: string, needle: string, nth = 1): number {
  const lines = readFileSync(join(root, file), "utf8").split("\n");
  const found = lines.flatMap((l, i) => (l.includes(needle) ? [i + 1] : []));
  if (found.length < nth) throw new Error(`${needle} not ${nth} time(s) in ${file}`);
  return found[nth - 1]!;
}

function validate(root: string): Diagnostic[] {
  return validateRepository(root, NOW).diagnostics;
}

/** Asserts a diagnostic with this rule, file and (when given) line and field, and returns it. */
function expectDiagnostic(ds: Diagnostic[], want: { rule: string; file: string; line?: number; field?: string; message?: RegExp }): Diagnostic {
  const found = ds.find((d) => d.rule === want.rule && d.file === want.file
    && (want.line === undefined || d.line === want.line)
    && (want.field === undefined || d.field === want.field)
    && (want.message === undefined || want.message.test(d.message)));
  expect(found, `no ${JSON.stringify({ ...want, message: want.message?.source })} in\n${ds.map((d) => JSON.stringify(d)).join("\n")}`).toBeDefined();
  return found!;
}

/** Edits one file, expects the rule at the line that holds `at` (after the edit). */
function caseOf(edits: Edit[], want: { rule: string; file: string; at?: string; field?: string; message?: RegExp }) {
  const root = repoWith(edits);
  const ds = validate(root);
  const line = want.at !== undefined ? lineOf(root, want.file, want.at) : undefined;
  return expectDiagnostic(ds, { rule: want.rule, file: want.file, field: want.field, message: want.message, ...(line !== undefined ? { line } : {}) });
}

describe("the example repository", () => {
  it("is valid", () => {
    expect(validate(copyRepo())).toEqual([]);
  });
});

describe("image rules", () => {
  it("image.id-folder: id differs from the folder", () => {
    caseOf([[DEBIAN, "id: egi.debian.12", "id: egi.debian.13"]], { rule: "image.id-folder", file: DEBIAN, at: "id: egi.debian.13", field: "/id" });
  });
  it("image.vo-unknown: a VO image for a VO that does not exist", () => {
    caseOf([[GALAXY, "vo: biomed", "vo: no.such.vo"]], { rule: "image.vo-unknown", file: GALAXY, at: "vo: no.such.vo", field: "/vo" });
  });
  it("image.resources: minimum above recommended", () => {
    caseOf([[DEBIAN, "cores: { minimum: 1, recommended: 2 }", "cores: { minimum: 4, recommended: 2 }"]], { rule: "image.resources", file: DEBIAN, at: "cores:", field: "/resources/cores" });
  });
  it("duplicate: a port declared twice", () => {
    const root = repoWith([[DEBIAN, "services: []", "  - port: 22\n    protocol: tcp\n    service: ssh-again\nservices: []"]]);
    expectDiagnostic(validate(root), { rule: "duplicate", file: DEBIAN, line: lineOf(root, DEBIAN, "- port: 22", 2), field: "/ports/1", message: /22\/tcp is declared twice/ });
  });
  it("date.absurd: a waiver that expires more than two years ahead", () => {
    caseOf([[DEBIAN, "waivers: []", "waivers:\n    - check: ssh.host-keys\n      justification: Keys are regenerated on first boot by cloud-init.\n      expires: 2031-01-01"]], { rule: "date.absurd", file: DEBIAN, at: "expires: 2031-01-01", field: "/scan/waivers/0/expires" });
  });
  it("path.unsafe: an appliance folder with an unsafe name", () => {
    const root = copyRepo();
    renameSync(join(root, "images/egi.debian.12"), join(root, "images/Egi.Debian.12"));
    expectDiagnostic(validate(root), { rule: "path.unsafe", file: "images/Egi.Debian.12", message: /appliance folder "Egi.Debian.12" is not a safe name/ });
  });
  it("image.missing: an appliance folder without image.yaml", () => {
    const root = copyRepo();
    mkdirSync(join(root, "images/egi.rocky.9/releases"), { recursive: true });
    expectDiagnostic(validate(root), { rule: "image.missing", file: "images/egi.rocky.9" });
  });
});

describe("build record rules", () => {
  it("release.appliance-folder: appliance differs from the folder", () => {
    caseOf([[DEBIAN_REL, "appliance: egi.debian.12", "appliance: egi.ubuntu.24.04"]], { rule: "release.appliance-folder", file: DEBIAN_REL, at: "appliance: egi.ubuntu.24.04", field: "/appliance" });
  });
  it("release.version-file: version differs from the file name", () => {
    const root = copyRepo();
    cpSync(join(root, DEBIAN_REL), join(root, "images/egi.debian.12/releases/20261118.yaml"));
    const d = expectDiagnostic(validate(root), { rule: "release.version-file", file: "images/egi.debian.12/releases/20261118.yaml", field: "/version" });
    expect(d.line).toBe(lineOf(root, "images/egi.debian.12/releases/20261118.yaml", "version:"));
  });
  it("release.version-date: build date does not match the version", () => {
    caseOf([[DEBIAN_REL, "built_at: 2026-11-17T03:12:44Z", "built_at: 2026-11-16T03:12:44Z"]], { rule: "release.version-date", file: DEBIAN_REL, at: "built_at:", field: "/built_at" });
  });
  it("duplicate: a format listed twice", () => {
    caseOf([[DEBIAN_REL, "  - format: ova", "  - format: qcow2"]], { rule: "duplicate", file: DEBIAN_REL, field: "/artifacts/1/format", message: /format qcow2 listed twice/ });
  });
  it("duplicate: two artifacts with the same sha512", () => {
    const rec = readFileSync(join(copyRepo(), DEBIAN_REL), "utf8");
    const [first, second] = [...rec.matchAll(/ sha512: ([0-9a-f]{128})/g)].map((m) => m[1]!);
    caseOf([[DEBIAN_REL, second!, first!]], { rule: "duplicate", file: DEBIAN_REL, field: "/artifacts/1/sha512", message: /same sha512/ });
  });
  it("release.artifact-name: file not named <os>-<osversion>-<version>.<ext>", () => {
    caseOf([[DEBIAN_REL, /debian-12-20261117\.qcow2/g, "ubuntu-12-20261117.qcow2"]], { rule: "release.artifact-name", file: DEBIAN_REL, at: "file: ubuntu-12-20261117.qcow2", field: "/artifacts/0/file", message: /expected "debian-12-20261117.qcow2"/ });
  });
  it("release.artifact-uri: URI does not end with the file name", () => {
    caseOf([[DEBIAN_REL, "egi.debian.12/debian-12-20261117.ova", "egi.debian.12/other.ova"]], { rule: "release.artifact-uri", file: DEBIAN_REL, at: "other.ova", field: "/artifacts/1/uri" });
  });
  it("date.future: scanned in the future", () => {
    caseOf([[DEBIAN_REL, "scanned_at: 2026-11-17T03:31:09Z", "scanned_at: 2027-01-01T00:00:00Z"]], { rule: "date.future", file: DEBIAN_REL, at: "scanned_at:", field: "/scan/scanned_at" });
  });
  it("release.image-unknown: a build record without image.yaml", () => {
    const root = copyRepo();
    mkdirSync(join(root, "images/ghost.appliance/releases"), { recursive: true });
    cpSync(join(root, DEBIAN_REL), join(root, "images/ghost.appliance/releases/20261117.yaml"));
    const ds = validate(root);
    expectDiagnostic(ds, { rule: "release.image-unknown", file: "images/ghost.appliance/releases/20261117.yaml", line: 2 });
    expectDiagnostic(ds, { rule: "image.missing", file: "images/ghost.appliance" });
  });
  it("path.unexpected: a YAML file in an image folder that is not image.yaml", () => {
    const root = copyRepo();
    writeFileSync(join(root, "images/egi.debian.12/cloud-init.yaml"), "users: []\n");
    expectDiagnostic(validate(root), { rule: "path.unexpected", file: "images/egi.debian.12/cloud-init.yaml" });
  });
});

describe("VO rules", () => {
  it("vo.name-folder: name differs from the folder", () => {
    caseOf([[BIOMED_VO, "name: biomed", "name: biomed2"]], { rule: "vo.name-folder", file: BIOMED_VO, at: "name: biomed2", field: "/name" });
  });
  it("vo.lifetime: default above maximum", () => {
    caseOf([[BIOMED_VO, "default_days: 60", "default_days: 130"]], { rule: "vo.lifetime", file: BIOMED_VO, at: "default_days: 130", field: "/lifetime/default_days" });
  });
  const second = (id: string, github: string) => `  - id: ${id}\n    name: Second Endorser\n    email: second@biomed.example.org\n    github: ${github}\n    appointed: 2025-06-15\nlifetime:`;
  it("duplicate: an endorser id used twice", () => {
    const root = repoWith([[BIOMED_VO, /^lifetime:/m, second("spop", "someone-else")]]);
    expectDiagnostic(validate(root), { rule: "duplicate", file: BIOMED_VO, line: lineOf(root, BIOMED_VO, "name: Second Endorser") - 1, field: "/endorsers/1/id", message: /endorser id "spop" already used by \/endorsers\/0/ });
  });
  it("duplicate: a GitHub login used twice (case-insensitive)", () => {
    caseOf([[BIOMED_VO, /^lifetime:/m, second("other", "SPOP-Biomed")]], { rule: "duplicate", file: BIOMED_VO, at: "github: SPOP-Biomed", field: "/endorsers/1/github" });
  });
  it("date.future: appointed in the future", () => {
    caseOf([[BIOMED_VO, "appointed: 2025-06-15", "appointed: 2027-06-15"]], { rule: "date.future", file: BIOMED_VO, at: "appointed: 2027-06-15", field: "/endorsers/0/appointed" });
  });
  it("vo.endorser-dates: appointment ends before it starts", () => {
    caseOf([[BIOMED_VO, "appointed: 2025-06-15", "appointed: 2025-06-15\n    until: 2025-01-01"]], { rule: "vo.endorser-dates", file: BIOMED_VO, at: "until: 2025-01-01", field: "/endorsers/0/until" });
  });
  it("vo.missing: a VO folder without vo.yaml", () => {
    const root = copyRepo();
    rmSync(join(root, BIOMED_VO));
    expectDiagnostic(validate(root), { rule: "vo.missing", file: "endorsements/biomed" });
  });
});

describe("endorsement rules", () => {
  it("endorsement.appliance-file: appliance differs from the file name", () => {
    caseOf([[BIOMED_DEBIAN, "appliance: egi.debian.12", "appliance: egi.ubuntu.24.04"]], { rule: "endorsement.appliance-file", file: BIOMED_DEBIAN, at: "appliance:", field: "/appliance" });
  });
  it("endorsement.appliance-unknown: the appliance does not exist", () => {
    const root = copyRepo();
    const file = "endorsements/biomed/egi.ghost.yaml";
    writeFileSync(join(root, file), readFileSync(join(root, BIOMED_DEBIAN), "utf8").replace("appliance: egi.debian.12", "appliance: egi.ghost"));
    expectDiagnostic(validate(root), { rule: "endorsement.appliance-unknown", file, line: lineOf(root, file, "appliance:"), field: "/appliance" });
  });
  it("endorsement.vo-specific: a VO image endorsed for another VO", () => {
    const root = copyRepo();
    const file = "endorsements/fedcloud.egi.eu/biomed.galaxy.yaml";
    writeFileSync(join(root, file), readFileSync(join(root, "endorsements/biomed/biomed.galaxy.yaml"), "utf8").replace("endorser: spop", "endorser: efernandez"));
    expectDiagnostic(validate(root), { rule: "endorsement.vo-specific", file, line: lineOf(root, file, "appliance:"), field: "/appliance" });
  });
  it("endorsement.version-unknown: the version has no build record", () => {
    caseOf([[BIOMED_DEBIAN, 'version: "20261117"', 'version: "20261118"']], { rule: "endorsement.version-unknown", file: BIOMED_DEBIAN, at: "version:", field: "/version" });
  });
  it("endorsement.digest-mismatch: digest of no artifact of the version", () => {
    caseOf([[BIOMED_DEBIAN, /digest: sha512:[0-9a-f]{8}/, "digest: sha512:00000000"]], { rule: "endorsement.digest-mismatch", file: BIOMED_DEBIAN, at: "digest:", field: "/digest" });
  });
  it("schema: digest in the wrong format", () => {
    caseOf([[BIOMED_DEBIAN, /digest: sha512:[0-9a-f]{128}/, "digest: sha256:9e511b96cfe38e3298f096c2ed4e088f040ca51f9eda8aa497a9486e47868e82"]], { rule: "schema", file: BIOMED_DEBIAN, at: "digest:", field: "/digest", message: /does not match the required pattern \^sha512:/ });
  });
  it("endorsement.unscanned: the version has no checklist report", () => {
    caseOf([[DEBIAN_REL, /\nscan:[\s\S]*$/, "\n"]], { rule: "endorsement.unscanned", file: BIOMED_DEBIAN, at: "version:", field: "/version" });
  });
  it("endorsement.scan-failed: the version failed its checklist", () => {
    caseOf([[DEBIAN_REL, "result: pass\n  passed: 19\n  failed: 0", "result: fail\n  passed: 17\n  failed: 2"]], { rule: "endorsement.scan-failed", file: BIOMED_DEBIAN, at: "version:", field: "/version", message: /2 failed checks/ });
  });
  it("endorsement.report-mismatch: acknowledges another checklist report", () => {
    caseOf([[BIOMED_DEBIAN, /report_sha512: [0-9a-f]{8}/, "report_sha512: 00000000"]], { rule: "endorsement.report-mismatch", file: BIOMED_DEBIAN, at: "report_sha512:", field: "/checklist/report_sha512" });
  });
  it("endorsement.before-build: endorsed before the version was built", () => {
    caseOf([[BIOMED_DEBIAN, "endorsed_at: 2026-11-19T08:30:00Z", "endorsed_at: 2026-11-16T08:30:00Z"]], { rule: "endorsement.before-build", file: BIOMED_DEBIAN, at: "endorsed_at:", field: "/endorsed_at" });
  });
  it("endorsement.endorser-unknown: not an endorser appointed in that VO", () => {
    caseOf([[BIOMED_DEBIAN, "endorser: spop", "endorser: mborg"]], { rule: "endorsement.endorser-unknown", file: BIOMED_DEBIAN, at: "endorser: mborg", field: "/endorser" });
  });
  it("endorsement.endorser-not-yet: endorsed before the appointment", () => {
    caseOf([[BIOMED_VO, "appointed: 2025-06-15", "appointed: 2026-11-20"]], { rule: "endorsement.endorser-not-yet", file: BIOMED_DEBIAN, at: "endorser: spop", field: "/endorser" });
  });
  it("endorsement.endorser-ended: endorsed after the appointment ended", () => {
    caseOf([[BIOMED_VO, "appointed: 2025-06-15", "appointed: 2025-06-15\n    until: 2026-11-01"]], { rule: "endorsement.endorser-ended", file: BIOMED_DEBIAN, at: "endorser: spop", field: "/endorser" });
  });
  it("endorsement.lifetime-max: lifetime above the VO maximum", () => {
    caseOf([[BIOMED_DEBIAN, "lifetime_days: 60", "lifetime_days: 150"]], { rule: "endorsement.lifetime-max", file: BIOMED_DEBIAN, at: "lifetime_days: 150", field: "/lifetime_days", message: /maximum of 120/ });
  });
  it("date.future: endorsed in the future", () => {
    caseOf([[BIOMED_DEBIAN, "endorsed_at: 2026-11-19T08:30:00Z", "endorsed_at: 2026-11-24T08:30:00Z"]], { rule: "date.future", file: BIOMED_DEBIAN, at: "endorsed_at:", field: "/endorsed_at" });
  });
  it("path.unsafe: an endorsement file name that is not a safe id", () => {
    const root = copyRepo();
    renameSync(join(root, BIOMED_DEBIAN), join(root, "endorsements/biomed/EGI.debian.12.yaml"));
    expectDiagnostic(validate(root), { rule: "path.unsafe", file: "endorsements/biomed/EGI.debian.12.yaml", message: /endorsement file name "EGI.debian.12" is not a safe name/ });
  });
});

describe("revocation rules", () => {
  it("revocation.file-name: file name is not <appliance>@<version>.yaml", () => {
    const root = copyRepo();
    const file = "revocations/egi.almalinux.9@20261005.yaml";
    renameSync(join(root, REVOCATION), join(root, file));
    expectDiagnostic(validate(root), { rule: "revocation.file-name", file, line: lineOf(root, file, "appliance:"), field: "/appliance" });
  });
  it("duplicate: the same version revoked twice", () => {
    const root = copyRepo();
    cpSync(join(root, REVOCATION), join(root, "revocations/egi.almalinux.9@20261104-again.yaml"));
    expectDiagnostic(validate(root), { rule: "duplicate", file: REVOCATION, line: 2, message: /revoked twice/ });
  });
  it("revocation.appliance-unknown", () => {
    const root = copyRepo();
    const file = "revocations/egi.ghost@20261104.yaml";
    writeFileSync(join(root, file), readFileSync(join(root, REVOCATION), "utf8").replace("appliance: egi.almalinux.9", "appliance: egi.ghost"));
    expectDiagnostic(validate(root), { rule: "revocation.appliance-unknown", file, line: lineOf(root, file, "appliance:"), field: "/appliance" });
  });
  it("revocation.version-unknown", () => {
    const root = copyRepo();
    const file = "revocations/egi.almalinux.9@20261201.yaml";
    writeFileSync(join(root, file), readFileSync(join(root, REVOCATION), "utf8").replace('version: "20261104"', 'version: "20261201"'));
    expectDiagnostic(validate(root), { rule: "revocation.version-unknown", file, line: lineOf(root, file, "version:"), field: "/version" });
  });
  it("revocation.vo-unknown", () => {
    caseOf([[REVOCATION, "cves: [CVE-2026-41173]", "cves: [CVE-2026-41173]\nvos: [biomed, no.such.vo]"]], { rule: "revocation.vo-unknown", file: REVOCATION, at: "vos:", field: "/vos/1" });
  });
  it("revocation.not-csirt: revoked by someone outside the CSIRT", () => {
    caseOf([[REVOCATION, "email: sven.gabriel@csirt.example.org", "email: sven.gabriel@example.org"]], { rule: "revocation.not-csirt", file: REVOCATION, at: "email:", field: "/revoked_by/email" });
  });
  it("date.future: revoked in the future", () => {
    caseOf([[REVOCATION, "revoked_at: 2026-11-20T07:55:00Z", "revoked_at: 2026-12-20T07:55:00Z"]], { rule: "date.future", file: REVOCATION, at: "revoked_at:", field: "/revoked_at" });
  });
});

describe("repository rules", () => {
  it("config.missing: no vmendorse.yaml", () => {
    const root = copyRepo();
    rmSync(join(root, "vmendorse.yaml"));
    expectDiagnostic(validate(root), { rule: "config.missing", file: "vmendorse.yaml" });
  });

  it("a file that fails to load is not also reported as missing where it is referred to", () => {
    const image = "images/egi.almalinux.9/image.yaml";
    const ds = validate(repoWith([[image, "admin_user:", "admin_user: [\"not\", \"a\", \"string\"]\n  x_admin_user:"]]));
    expect(ds.filter((d) => d.file === image).length).toBeGreaterThan(0);
    expect(ds.filter((d) => d.file !== image)).toEqual([]);
  });

  it("lists every problem, not just the first", () => {
    const root = repoWith([
      [BIOMED_DEBIAN, "endorser: spop", "endorser: mborg"],
      [BIOMED_DEBIAN, "lifetime_days: 60", "lifetime_days: 150"],
      [BIOMED_VO, "default_days: 60", "default_days: 130"],
      [DEBIAN, "id: egi.debian.12", "id: egi.debian.13"],
      [REVOCATION, "email: sven.gabriel@csirt.example.org", "email: sven.gabriel@example.org"],
      ["endorsements/vo.elixir-europe.org/vo.yaml", /^lifetime:/m, "surprise: true\nlifetime:"],
    ]);
    const ds = validate(root);
    const rules = ds.map((d) => `${d.file} ${d.rule}`);
    expect(rules).toEqual(expect.arrayContaining([
      `${BIOMED_DEBIAN} endorsement.endorser-unknown`,
      `${BIOMED_DEBIAN} endorsement.lifetime-max`,
      `${BIOMED_VO} vo.lifetime`,
      `${DEBIAN} image.id-folder`,
      `${REVOCATION} revocation.not-csirt`,
      "endorsements/vo.elixir-europe.org/vo.yaml schema",
    ]));
    // The CLI prints them all, one line each, sorted by file and line.
    const r = vmendorse(["validate", "--root", root, "--now", "2026-11-23T12:00:00Z"]);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(ds.length);
    expect(r.stdout).toContain(`invalid: ${ds.length} problem(s)`);
    expect(lines[0]).toMatch(/^endorsements\/biomed\/egi\.debian\.12\.yaml:\d+:\d+: \/\w+: .* \[[\w.-]+\]$/);
  });

  it("--json lists the same diagnostics with line, column, field and rule", () => {
    const root = repoWith([[BIOMED_DEBIAN, "endorser: spop", "endorser: mborg"]]);
    const r = vmendorse(["validate", "--root", root, "--now", "2026-11-23T12:00:00Z", "--json"]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { valid: boolean; diagnostics: Diagnostic[] };
    expect(out.valid).toBe(false);
    expect(out.diagnostics).toEqual([{ file: BIOMED_DEBIAN, line: lineOf(root, BIOMED_DEBIAN, "endorser:"), column: 11, field: "/endorser", message: expect.stringContaining('"mborg" is not an endorser'), rule: "endorsement.endorser-unknown" }]);
  });
});

describe("validate usage errors exit 2", () => {
  const root = copyRepo();
  it.each([
    ["an unknown option", ["--frobnicate"], /Unknown option '--frobnicate'/],
    ["a positional argument", ["extra"], /positional argument/],
    ["a --now that is not a date", ["--now", "tomorrow"], /--now: "tomorrow" is not an ISO 8601 date-time/],
    ["a --root that does not exist", ["--root", "/nonexistent/repo"], /--root: \/nonexistent\/repo is not a directory/],
    ["a --root that is a file", ["--root", join(root, "vmendorse.yaml")], /is not a directory/],
  ])("%s", (_name, args, message) => {
    const r = vmendorse(["validate", ...(args[0] === "--root" ? [] : ["--root", root]), ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain("usage: vmendorse validate");
  });
});
