import { describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { copyRepo } from "../compose/repo-copy.js";
import { vmendorse } from "./run-cli.js";

describe("vmendorse endorse / revoke / compose (CLI)", () => {
  it("endorse writes a valid endorsement with the build record's digest and report hash", () => {
    const root = copyRepo();
    const r = vmendorse(["endorse", "egi.debian.12", "20261117", "--vo", "vo.elixir-europe.org", "--endorser", "mborg", "--lifetime", "30", "--root", root, "--now", "2026-11-23T10:00:00Z"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const text = readFileSync(join(root, "endorsements", "vo.elixir-europe.org", "egi.debian.12.yaml"), "utf8");
    expect(text.split("\n")[0]).toBe("# yaml-language-server: $schema=../../schemas/endorsement.schema.json");
    const record = readFileSync(join(root, "images", "egi.debian.12", "releases", "20261117.yaml"), "utf8");
    const qcow2 = /format: qcow2[\s\S]*?sha512: ([0-9a-f]{128})/.exec(record)![1];
    expect(text).toContain(`digest: sha512:${qcow2}`);
    expect(text).toContain("endorsed_at: 2026-11-23T10:00:00Z");
    expect(vmendorse(["validate", "--root", root, "--now", "2026-11-23T10:00:00Z"]).code).toBe(0);
  });

  it("endorse refuses a lifetime above the VO maximum and keeps the previous file", () => {
    const root = copyRepo();
    const file = join(root, "endorsements", "biomed", "egi.debian.12.yaml");
    const before = readFileSync(file, "utf8");
    const r = vmendorse(["endorse", "egi.debian.12", "20261103", "--vo", "biomed", "--endorser", "spop", "--lifetime", "150", "--root", root]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/endorsements\/biomed\/egi\.debian\.12\.yaml:\d+:\d+: \/lifetime_days: 150 days is above VO biomed's maximum of 120/);
    expect(readFileSync(file, "utf8")).toBe(before);
  });

  it("endorse refuses someone who is not an endorser of the VO", () => {
    const root = copyRepo();
    const r = vmendorse(["endorse", "egi.debian.12", "20261117", "--vo", "biomed", "--endorser", "mborg", "--root", root]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('"mborg" is not an endorser of biomed');
  });

  it("revoke writes a ban by a CSIRT member and refuses anyone else", () => {
    const root = copyRepo();
    const ok = vmendorse(["revoke", "egi.debian.12@20261103", "--reason", "Kernel privilege escalation fixed in the next build", "--by", "daniel.kouril@csirt.example.org", "--cve", "CVE-2026-11111", "--root", root]);
    expect(ok.code).toBe(0);
    const text = readFileSync(join(root, "revocations", "egi.debian.12@20261103.yaml"), "utf8");
    expect(text).toContain("name: Daniel Kouril");
    expect(text).toContain("- CVE-2026-11111");
    const no = vmendorse(["revoke", "egi.debian.12@20261117", "--reason", "I do not like it", "--by", "spop-biomed", "--root", root]);
    expect(no.code).toBe(1);
    expect(no.stderr).toContain("is not a CSIRT member");
    expect(existsSync(join(root, "revocations", "egi.debian.12@20261117.yaml"))).toBe(false);
  });

  it("usage errors exit 2 and name the problem", () => {
    expect(vmendorse(["compose"]).code).toBe(2);
    expect(vmendorse(["compose", "--out"]).stderr).toMatch(/--out/);
    expect(vmendorse(["revoke", "no-version-here", "--reason", "x", "--by", "y"]).code).toBe(2);
    expect(vmendorse(["frobnicate"]).code).toBe(2);
    expect(vmendorse(["compose", "--root", ".", "--out", "/tmp/x", "--now", "yesterday"]).stderr).toContain('--now: "yesterday" is not an ISO 8601 date-time');
  });

  it("--help lists every command of the stable interface", () => {
    const r = vmendorse(["--help"]);
    expect(r.code).toBe(0);
    // The interface outside checks rely on (DESIGN: keep it stable).
    for (const c of ["start", "validate", "compose", "sign", "verify", "build", "scan", "publish", "revoke", "endorse", "codeowners"]) {
      expect(r.stdout).toMatch(new RegExp(`^  ${c} `, "m"));
    }
  });
});
