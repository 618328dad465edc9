// `vmendorse scan` as a user runs it (the built CLI): a root filesystem directory, a waiver in
// image.yaml, exit codes, report files, usage errors.
import { beforeAll, describe, expect, it } from "vitest";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { copyRepo } from "../compose/repo-copy.js";
import { vmendorse } from "../cli/run-cli.js";
import { baseRootfs } from "./base-rootfs.js";
import { variant } from "./variants.js";

describe("vmendorse scan (CLI)", () => {
  // The first run builds the cached base rootfs with mmdebstrap (1-3 minutes); other files wait for it.
  beforeAll(() => void baseRootfs(), 20 * 60_000);

  it("scans a good root filesystem: exit 0, JSON + Markdown + SARIF written, scan time printed", { timeout: 5 * 60_000 }, () => {
    const out = mkdtempSync(join(tmpdir(), "vmendorse-scan-out-"));
    const r = vmendorse(["scan", baseRootfs(), "--image", "egi.debian.12", "--out", out, "--root", join(import.meta.dirname, "..", "..")]);
    expect(r.stderr).not.toContain("Error");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^PASS: 24 passed, 0 failed, 0 waived \(static scan of rootfs\)$/m);
    expect(r.stdout).toMatch(/^scan time \d+(\.\d+)? s \(static\.credentials [\d.]+ s, .*static\.updates [\d.]+ s, static\.oscap [\d.]+ s\)$/m);
    expect(readdirSync(out).sort()).toEqual(["rootfs.scan.json", "rootfs.scan.md", "rootfs.scan.sarif"]);
    const json = readFileSync(join(out, "rootfs.scan.json"));
    expect(r.stdout).toContain(`report_sha512 ${createHash("sha512").update(json).digest("hex")}`);
  });

  it("a bad image fails (exit 1) on its check id; a justified waiver in image.yaml makes it pass", { timeout: 5 * 60_000 }, () => {
    const root = copyRepo();
    const bad = variant("cli-hostkey", (r) => execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(r, "etc/ssh/ssh_host_ed25519_key")]));
    const out = join(root, "out");
    const failed = vmendorse(["scan", bad, "--image", "egi.debian.12", "--out", out, "--root", root, "--json"]);
    expect(failed.code).toBe(1);
    const s1 = JSON.parse(failed.stdout) as { summary: { result: string; failed: number } };
    expect(s1.summary).toMatchObject({ result: "fail", failed: 1 });
    const report = JSON.parse(readFileSync(join(out, "cli-hostkey.scan.json"), "utf8")) as { checks: { id: string; status: string }[] };
    expect(report.checks.filter((c) => c.status === "fail").map((c) => c.id)).toEqual(["ssh.host-keys"]);
    expect(readFileSync(join(out, "cli-hostkey.scan.md"), "utf8")).toContain("❌ /etc/ssh/ssh\\_host\\_ed25519\\_key is baked into the image");

    const spec = join(root, "images/egi.debian.12/image.yaml");
    writeFileSync(spec, readFileSync(spec, "utf8").replace("  waivers: []", "  waivers:\n    - check: ssh.host-keys\n      match: ssh_host_ed25519_key\n      justification: Test appliance whose host key is pinned by the site's known_hosts.\n      expires: 2099-12-31"));
    const waived = vmendorse(["scan", bad, "--image", "egi.debian.12", "--out", out, "--root", root]);
    expect(waived.code).toBe(0);
    expect(waived.stdout).toMatch(/^waived ssh\.host-keys: /m);
    expect(waived.stdout).toContain("PASS: 23 passed, 0 failed, 1 waived");
  });

  it("validate refuses a waiver naming a check id that does not exist", () => {
    const root = copyRepo();
    const spec = join(root, "images/egi.debian.12/image.yaml");
    writeFileSync(spec, readFileSync(spec, "utf8").replace("  waivers: []", "  waivers:\n    - check: ssh.hostkeys\n      justification: A typo in the check id must not go unnoticed."));
    const r = vmendorse(["validate", "--root", root]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/images\/egi\.debian\.12\/image\.yaml:\d+:\d+: \/scan\/waivers\/0\/check: "ssh\.hostkeys" is not a checklist id \(see docs\/checklist\.md\) \[image\.waiver-unknown-check\]/);
  });

  it("usage and input errors: exit 2 for usage, 1 naming the file for a bad image.yaml or artifact", () => {
    expect(vmendorse(["scan", "--image", "egi.debian.12", "--out", "/tmp/x"]).code).toBe(2);
    expect(vmendorse(["scan", "a", "b", "--image", "x", "--out", "/tmp/x"]).code).toBe(2);
    expect(vmendorse(["scan", "a", "--out", "/tmp/x"]).stderr).toContain("--image is required");
    const root = copyRepo();
    const spec = join(root, "images/egi.debian.12/image.yaml");
    writeFileSync(spec, readFileSync(spec, "utf8").replace("  waivers: []", "  waivers:\n    - check: ssh.host-keys\n      justification: too short"));
    const bad = vmendorse(["scan", "/nonexistent", "--image", "egi.debian.12", "--out", join(root, "out"), "--root", root]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/images\/egi\.debian\.12\/image\.yaml:\d+:\d+: \/scan\/waivers\/0\/justification: /);
    const missing = vmendorse(["scan", "/nonexistent", "--image", "egi.ubuntu.24.04", "--out", join(root, "out"), "--root", root]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("/nonexistent: no such file or directory");
    expect(existsSync(join(root, "out"))).toBe(false);
  });
});
