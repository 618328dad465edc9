// The long steps' actions (scan, publish; build likewise) run the CLI command in-process: inputs become
// options, refusals become error annotations, and a non-zero exit fails the step.
import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { commitAll, copyRepo } from "../compose/repo-copy.js";
import { loadOrCreateKey } from "../../src/sign/local-key.js";
import { baseRootfs } from "../scan/base-rootfs.js";
import { runAction } from "./run-action.js";

const NOW = "2026-11-23T12:00:00Z";

describe("CLI-backed actions", () => {
  it("publish: a signed list goes to a folder target, imagelist.json last; an unsigned one is refused", async () => {
    const root = copyRepo();
    commitAll(root, "data", { name: "Repo Admin", email: "admin@egi.example" }, "2026-11-21T12:00:00Z");
    expect((await runAction("compose", { root, out: "out", now: NOW }, { workspace: root })).code).toBe(0);
    const unsigned = await runAction("publish", { list: "out", to: `dir:${join(root, "site")}` }, { workspace: root });
    expect(unsigned.code).toBe(1);
    expect(unsigned.stdout).toMatch(/::error::.*(bundle|sign)/i);
    expect(existsSync(join(root, "site", "imagelist.json"))).toBe(false);

    const key = loadOrCreateKey(join(mkdtempSync(join(tmpdir(), "vmendorse-key-")), "signing.key"), true);
    expect((await runAction("sign", { file: "out/imagelist.json", key: key.file }, { workspace: root })).code).toBe(0);
    const r = await runAction("publish", { list: "out", key: `${key.file}.pub`, to: `dir:${join(root, "site")}` }, { workspace: root });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/vmendorse publish --list out --key .* --to dir:/);
    expect(readFileSync(join(root, "site", "imagelist.json"))).toEqual(readFileSync(join(root, "out", "imagelist.json")));
    expect(readdirSync(join(root, "site"))).toContain("imagelist.json.sigstore.json");
  });

  it("scan: a static scan of a good root filesystem passes and writes its reports; a missing input fails the step", { timeout: 10 * 60_000 }, async () => {
    const out = mkdtempSync(join(tmpdir(), "vmendorse-scan-action-"));
    const r = await runAction("scan", { artifact: baseRootfs(), image: "egi.debian.12", out, "static-only": "true" });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/PASS: \d+ passed, 0 failed/);
    expect(readdirSync(out).sort()).toEqual(["rootfs.scan.json", "rootfs.scan.md", "rootfs.scan.sarif"]);
    const missing = await runAction("scan", { artifact: baseRootfs(), out });
    expect(missing.code).toBe(1);
  });

  it("build: an unknown appliance fails the step with the reason (the real build runs in the e2e lane)", async () => {
    const out = mkdtempSync(join(tmpdir(), "vmendorse-build-action-"));
    const r = await runAction("build", { appliance: "egi.nonexistent.1", out });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/::error::.*egi\.nonexistent\.1/);
    expect(readdirSync(out)).toEqual([]);
  });
});
