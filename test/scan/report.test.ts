// The report: waivers (match, expiry, unused), counts, the JSON schema, SARIF 2.1.0 against the
// official schema, and the Markdown for pull requests.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { buildReport, scanSummary } from "../../src/scan/report.js";
import { renderSarif } from "../../src/scan/sarif.js";
import { renderMarkdown } from "../../src/scan/markdown.js";
import { CHECKS } from "../../src/scan/catalogue.js";
import { validateData } from "../../src/schema/validator.js";
import type { Outcome } from "../../src/scan/types.js";
import type { Waiver } from "../../src/model/types.js";

const NOW = Date.parse("2026-11-23T10:00:00Z");
const staticIds = CHECKS.filter((c) => c.phase === "static").map((c) => c.id);

function outcomes(problems: Record<string, { subject: string; message: string }[]>): Outcome[] {
  return staticIds.map((id) => ({ id, problems: problems[id] ?? [], evidence: [`looked at ${id}`] }));
}

function report(problems: Record<string, { subject: string; message: string }[]>, waivers: Waiver[]) {
  return buildReport({
    appliance: "egi.debian.12",
    version: "20261117",
    artifact: { file: "debian-12-20261117.qcow2", kind: "qcow2", size: 400_000_000, virtual_size: 8_589_934_592, sha512: "a".repeat(128) },
    scope: "static",
    outcomes: outcomes(problems),
    waivers,
    startedAt: NOW - 42_000,
    finishedAt: NOW,
    tools: { apt: "2.6.1" },
    timings: { total: 42 },
  });
}

const hostKeys = { "ssh.host-keys": [{ subject: "/etc/ssh/ssh_host_ed25519_key", message: "ed25519 key baked in" }, { subject: "/etc/ssh/ssh_host_rsa_key", message: "rsa key baked in" }] };
const why = "Appliance ships a fixed host key for the site's known_hosts pinning (reviewed by CSIRT).";

describe("checklist report", () => {
  it("passes when nothing is found; counts checks per status", () => {
    const r = report({}, []);
    expect(r.result).toBe("pass");
    expect(r.summary).toEqual({ passed: staticIds.length, failed: 0, waived: 0 });
    expect(validateData("scan-report.schema.json", r, "report")).toEqual([]);
  });

  it("a waiver with a match covers only findings whose subject contains it", () => {
    const r = report(hostKeys, [{ check: "ssh.host-keys", match: "ed25519", justification: why }]);
    const c = r.checks.find((x) => x.id === "ssh.host-keys")!;
    expect(c.findings.map((f) => f.status)).toEqual(["waived", "fail"]);
    expect(c.status).toBe("fail");
    expect(r.result).toBe("fail");
    const all = report(hostKeys, [{ check: "ssh.host-keys", justification: why }]);
    expect(all.checks.find((x) => x.id === "ssh.host-keys")!.status).toBe("waived");
    expect(all.result).toBe("pass");
    expect(all.summary).toEqual({ passed: staticIds.length - 1, failed: 0, waived: 1 });
    expect(validateData("scan-report.schema.json", all, "report")).toEqual([]);
  });

  it("an expired waiver no longer applies; unused and unknown waivers are reported", () => {
    const r = report(hostKeys, [
      { check: "ssh.host-keys", justification: why, expires: "2026-11-22" },
      { check: "files.shell-history", justification: "Nothing to waive here, kept by mistake." },
      { check: "no.such-check", justification: "A typo in the check id must be visible." },
    ]);
    const f = r.checks.find((x) => x.id === "ssh.host-keys")!.findings[0]!;
    expect(f.status).toBe("fail");
    expect(f.expired_waiver).toBe("a waiver for this finding expired on 2026-11-22");
    expect(r.waivers.expired.map((w) => w.check)).toEqual(["ssh.host-keys"]);
    expect(r.waivers.unused.map((w) => w.check)).toEqual(["files.shell-history", "no.such-check"]);
    // Valid through the whole expiry day.
    const sameDay = report(hostKeys, [{ check: "ssh.host-keys", justification: why, expires: "2026-11-23" }]);
    expect(sameDay.result).toBe("pass");
  });

  it("a check without an outcome fails as not evaluated", () => {
    const r = buildReport({ appliance: "a.b", artifact: { file: "x", kind: "rootfs", size: 1 }, scope: "static", outcomes: [], waivers: [], startedAt: NOW, finishedAt: NOW, tools: {}, timings: {} });
    expect(r.summary.failed).toBe(staticIds.length);
    expect(r.checks[0]!.findings[0]!.subject).toBe("not evaluated");
  });

  it("the schema refuses a passing check with findings and a waived finding without its waiver", () => {
    const r = report(hostKeys, []);
    const bad = structuredClone(r);
    bad.checks.find((x) => x.id === "ssh.host-keys")!.status = "pass";
    expect(validateData("scan-report.schema.json", bad, "report").length).toBeGreaterThan(0);
    const bad2 = structuredClone(r);
    bad2.checks.find((x) => x.id === "ssh.host-keys")!.findings[0]!.status = "waived";
    expect(validateData("scan-report.schema.json", bad2, "report").map((d) => d.message).join()).toContain("waiver");
  });

  it("the summary for the release record is valid for the release schema", () => {
    const s = scanSummary(report({}, []), "debian-12-20261117.scan.json", "b".repeat(128));
    expect(s).toEqual({ result: "pass", passed: staticIds.length, failed: 0, waived: 0, scanned_at: "2026-11-23T10:00:00Z", report: "debian-12-20261117.scan.json", report_sha512: "b".repeat(128) });
    const release = { appliance: "egi.debian.12", version: "20261117", built_at: "2026-11-17T03:12:44Z", builder: { type: "mmdebstrap", tools: {} }, artifacts: [{ format: "qcow2", file: "debian-12-20261117.qcow2", uri: "https://x.example/a.qcow2", size: 1, sha512: "c".repeat(128) }], packages: { count: 1, manifest: "m.tsv", sha512: "d".repeat(128) }, sbom: { format: "CycloneDX", file: "s.json", sha512: "e".repeat(128) }, scan: s };
    expect(validateData("release.schema.json", release, "release")).toEqual([]);
  });

  it("SARIF is valid SARIF 2.1.0; waived findings are suppressed", () => {
    // The official schema (draft-04), as shipped in @microsoft/jest-sarif; ajv reads it as draft-07.
    const require = createRequire(import.meta.url);
    const schema = JSON.parse(readFileSync(require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"), "utf8")) as Record<string, unknown>;
    schema.$id = schema.id;
    delete schema.id;
    schema.$schema = "http://json-schema.org/draft-07/schema#";
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    const r = report(hostKeys, [{ check: "ssh.host-keys", match: "rsa", justification: why }]);
    const sarif = renderSarif(r, "images/egi.debian.12/image.yaml", "0.1.0");
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...sarif, version: "2.0.0" })).toBe(false);
    const results = sarif.runs[0]!.results!;
    expect(results.map((x) => [x.ruleId, x.suppressions?.[0]?.justification ?? null])).toEqual([
      ["ssh.host-keys", null],
      ["ssh.host-keys", why],
    ]);
    expect(sarif.runs[0]!.tool.driver.rules!.map((x) => x.id)).toEqual(staticIds);
  });

  it("Markdown names the failing check, the waiver's justification and stays below GitHub's comment limit", () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({ subject: `/usr/lib/file${i}`, message: `/usr/lib/file${i} holds a private key (RSA PRIVATE KEY)`.padEnd(200, ".") }));
    const r = report({ ...hostKeys, "credentials.private-keys": many }, [{ check: "ssh.host-keys", justification: why }]);
    const md = renderMarkdown(r, "debian-12-20261117.scan.json");
    expect(md).toContain("## ❌ Security checklist: egi.debian.12 20261117 — FAIL");
    expect(md).toContain("| ❌ | `credentials.private-keys` No private keys | 5000 finding(s) |");
    expect(md).toContain("waived: _Appliance ships a fixed host key for the site's known\\_hosts pinning (reviewed by CSIRT)._");
    expect(md).toContain("… and 4985 more in the JSON report");
    expect(md.length).toBeLessThan(65_536);
  });
});

describe("release record", () => {
  it("the summary replaces the record's scan field, keeping its comments; a wrong version is refused", async () => {
    const { copyRepo } = await import("../compose/repo-copy.js");
    const { recordScanSummary } = await import("../../src/scan/record.js");
    const { readFileSync: read } = await import("node:fs");
    const { join } = await import("node:path");
    const root = copyRepo();
    const s = scanSummary({ ...report({}, []), scope: "full" }, "debian-12-20261117.scan.json", "f".repeat(128));
    expect(recordScanSummary(root, "egi.debian.12", "20261117", s)).toBe("images/egi.debian.12/releases/20261117.yaml");
    const text = read(join(root, "images/egi.debian.12/releases/20261117.yaml"), "utf8");
    expect(text.split("\n")[0]).toBe("# yaml-language-server: $schema=../../../schemas/release.schema.json");
    expect(text).toContain(`report_sha512: ${"f".repeat(128)}`);
    expect(text).toContain(`passed: ${staticIds.length}`);
    expect(() => recordScanSummary(root, "egi.debian.12", "20990101", s)).toThrow(/does not exist/);
  });
});

describe("docs/checklist.md", () => {
  it("lists every check id of the catalogue, in order", async () => {
    const { readFileSync: read } = await import("node:fs");
    const { join } = await import("node:path");
    const doc = read(join(import.meta.dirname, "..", "..", "docs", "checklist.md"), "utf8");
    const ids = [...doc.matchAll(/^\| `([a-z0-9.-]+)` \| (static|dynamic) \|/gm)].map((m) => m[1]);
    expect(ids).toEqual(CHECKS.map((c) => c.id));
  });
});
