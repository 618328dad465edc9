// An interrupted build (Ctrl-C, a cancelled CI job) leaves nothing behind: mmdebstrap, which runs in its
// own process group and so does not get the terminal's signal, is killed, the staging folder beside the
// output folder is removed, and no artifact or build record appears. Uses the real CLI and mmdebstrap.
import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyRepo } from "../compose/repo-copy.js";

const BIN = join(import.meta.dirname, "..", "..", "bin", "vmendorse.js");

describe("interrupting vmendorse build", () => {
  it("SIGINT during mmdebstrap: exit 130, tools killed, no staging folder, no output, no record", async () => {
    const repo = copyRepo();
    const parent = mkdtempSync(join(tmpdir(), "vmendorse-interrupt-"));
    const out = join(parent, "out");
    const child = spawn(process.execPath, [BIN, "build", "egi.debian.12", "--root", repo, "--out", out], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    const sawMmdebstrap = new Promise<void>((resolveSeen) => {
      child.stderr.on("data", (c: Buffer) => {
        stderr += c.toString();
        if (/mmdebstrap: I: /.test(stderr)) resolveSeen();
      });
    });
    const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
    await Promise.race([sawMmdebstrap, exited]);
    expect(stderr).toMatch(/mmdebstrap: I: /);
    const staging = readdirSync(parent).filter((n) => n.startsWith(".out.build-"));
    expect(staging).toHaveLength(1);
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(readdirSync(parent)).toEqual([]);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(join(repo, "images", "egi.debian.12", "releases")).sort()).toEqual(["20261103.yaml", "20261117.yaml"]);
    // No mmdebstrap of this build is still running.
    const ps = await new Promise<string>((r) => {
      const p = spawn("ps", ["-eo", "args"]);
      let t = "";
      p.stdout.on("data", (c: Buffer) => (t += c.toString()));
      p.on("close", () => r(t));
    });
    expect(ps.split("\n").filter((l) => l.includes(staging[0]!))).toEqual([]);
    rmSync(parent, { recursive: true, force: true });
  }, 180_000);
});
