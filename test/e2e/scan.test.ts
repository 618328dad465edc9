// End to end, on the Debian image every e2e test shares (test/e2e/debian-image.ts): it passes the whole checklist (booted, nmap, lynis); a variant with
// an extra listening service is caught from outside by nmap and from inside; the other bad images
// are caught on the disk image itself. Real image, real qemu, real nmap and lynis.
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { parse } from "yaml";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scan } from "../../src/scan/index.js";
import { dynamicRunner } from "../../src/scan/dynamic/index.js";
import { inspectArtifact } from "../../src/scan/artifact.js";
import { loadImageSpec } from "../../src/scan/image-spec.js";
import { validateData } from "../../src/schema/validator.js";
import { debianImage } from "./debian-image.js";
import { recordScanSummary } from "../../src/scan/record.js";
import { vmendorse } from "../cli/run-cli.js";
import { deriveImage } from "./derive-image.js";

const PROJECT = join(import.meta.dirname, "..", "..");
const { spec, file } = loadImageSpec(PROJECT, "egi.debian.12");
const out = mkdtempSync(join(tmpdir(), "vmendorse-e2e-scan-"));
const log = (l: string) => process.stderr.write(`[scan] ${l}\n`);

describe("scan of the built Debian image", () => {
  // Under emulation (TCG) the boot takes minutes and lynis up to half an hour.
  it("passes the whole checklist (every failure would need a waiver); the lynis index is read", { timeout: 75 * 60_000 }, async () => {
    const image = await debianImage();
    const { qcow2 } = image;
    const r = await scan({ artifact: qcow2, spec, specFile: file, outDir: out, dynamic: dynamicRunner, aptCache: join(PROJECT, ".vmendorse", "cache", "apt-lists"), progress: log });
    const failed = r.report.checks.filter((c) => c.status === "fail").map((c) => `${c.id}: ${c.findings.map((f) => f.message).join("; ")}`);
    log(`scan time ${r.report.timings["total"]} s: ${JSON.stringify(r.report.timings)}; accel ${r.report.tools["qemu-accel"]}`);
    log(`lynis hardening index ${r.report.lynis?.hardening_index}, warnings: ${JSON.stringify(r.report.lynis?.warnings)}`);
    expect(failed).toEqual([]);
    expect(r.report.scope).toBe("full");
    expect(r.report.checks).toHaveLength(29);
    expect(r.report.lynis?.hardening_index).toBeGreaterThanOrEqual(spec.scan?.lynis_min_index ?? 0);
    expect(r.report.nmap?.open.map((p) => `${p.port}/${p.protocol}`)).toEqual(["22/tcp"]);
    expect(validateData("scan-report.schema.json", JSON.parse(readFileSync(r.files.json, "utf8")), "report")).toEqual([]);
    expect(r.summary.result).toBe("pass");
    // The summary fills the build record's scan field, and the repository stays valid.
    const repo = mkdtempSync(join(tmpdir(), "vmendorse-e2e-record-"));
    cpSync(image.repo, repo, { recursive: true });
    expect(r.report.version).toBe(image.record.version);
    recordScanSummary(repo, "egi.debian.12", image.record.version, r.summary);
    const recorded = parse(readFileSync(join(repo, "images/egi.debian.12/releases", `${image.record.version}.yaml`), "utf8")) as { scan: unknown };
    expect(recorded.scan).toEqual(r.summary);
    const v = vmendorse(["validate", "--root", repo]);
    expect(v.stderr).toBe("");
    expect(v.code).toBe(0);
  });

  it("an extra listening service is seen by nmap (IPv4 and IPv6) and inside the VM", async () => {
    const { qcow2 } = await debianImage();
    const bad = deriveImage(qcow2, "debian-12-extra-service", (root) => {
      writeFileSync(join(root, "etc/systemd/system/extra-listener.service"), "[Unit]\nDescription=an undeclared web server\nAfter=network.target\n[Service]\nExecStart=/usr/bin/python3 -m http.server --bind :: 8080\n[Install]\nWantedBy=multi-user.target\n");
      symlinkSync("/etc/systemd/system/extra-listener.service", join(root, "etc/systemd/system/multi-user.target.wants/extra-listener.service"));
      // The firewall would hide it from nmap; an image that also opens its firewall is the case nmap exists for.
      writeFileSync(join(root, "etc/nftables.conf"), readFileSync(join(root, "etc/nftables.conf"), "utf8").replace(/tcp dport \{ ([^}]*) \} accept/, "tcp dport { $1, 8080 } accept"));
    });
    const r = await dynamicRunner(bad, inspectArtifact(bad), spec, log, ["listening", "nmap"]);
    const failing = r.outcomes.filter((o) => o.problems.length > 0);
    expect(failing.map((o) => o.id)).toEqual(["network.listening", "network.tcp-ports"]);
    expect(failing[1]!.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^nmap finds 8080\/tcp open on 192\.0\.2\.2/),
      expect.stringMatching(/^nmap finds 8080\/tcp open on 2001:db8::2/),
    ]);
    expect(failing[0]!.problems.map((p) => p.subject)).toEqual(["8080/tcp"]);
  });

  it.each<[string, string[], (root: string) => void]>([
    ["hostkey", ["ssh.host-keys"], (r) => execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(r, "etc/ssh/ssh_host_ed25519_key")])],
    ["rootpw", ["accounts.passwords", "accounts.root-locked"], (r) => {
      const hash = execFileSync("openssl", ["passwd", "-6", "-salt", "abcdefgh", "hunter2"], { encoding: "utf8" }).trim();
      writeFileSync(join(r, "etc/shadow"), readFileSync(join(r, "etc/shadow"), "utf8").replace(/^root:[^:]*:/m, `root:${hash}:`));
    }],
    ["pwauth", ["ssh.password-authentication"], (r) => writeFileSync(join(r, "etc/ssh/sshd_config.d/00-bad.conf"), "PasswordAuthentication yes\n")],
  ])("the disk image with %s fails %j (static checks of the mounted image)", async (name, ids, mutate) => {
    const { qcow2 } = await debianImage();
    const bad = deriveImage(qcow2, `debian-12-${name}`, mutate);
    const r = await scan({ artifact: bad, spec, specFile: file, outDir: out, staticOnly: true, aptCache: join(PROJECT, ".vmendorse", "cache", "apt-lists"), progress: log });
    expect(r.report.checks.filter((c) => c.status === "fail").map((c) => c.id).sort()).toEqual(ids);
    expect(r.report.artifact.kind).toBe("qcow2");
  });
});
