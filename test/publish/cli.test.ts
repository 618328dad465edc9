// `vmendorse publish` as a user runs it (the built CLI): usage errors exit 2, bad input exits 1 naming
// the file, a folder publication succeeds and reports as JSON.
import { beforeAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { vmendorse } from "../cli/run-cli.js";
import { copyRepo } from "../compose/repo-copy.js";
import { makeRelease, type BuiltRelease } from "./fixtures.js";

let root: string;
let built: BuiltRelease;
beforeAll(() => {
  root = copyRepo();
  built = makeRelease(root, join(root, "build-out"));
});

describe("vmendorse publish (CLI)", () => {
  it("usage errors exit 2 and say what is wrong", () => {
    expect(vmendorse(["publish"], root)).toMatchObject({ code: 2 });
    expect(vmendorse(["publish"], root).stderr).toMatch(/nothing to publish/);
    expect(vmendorse(["publish", "--list", "out", "--to", "s3:x"], root).stderr).toMatch(/--to s3:x: unknown kind/);
    expect(vmendorse(["publish", "--release", built.releaseFile, "--artifacts", "x", "--to", "appdb:https://a.example", "--appdb-app", "abc"], root).stderr).toMatch(/--appdb-app abc: expected ID or APPLIANCE=ID/);
    expect(vmendorse(["publish", "--list", "out", "--to", "oci:r.example/ns"], root).code).toBe(2);
    expect(vmendorse(["publish", "--release", built.releaseFile], root).stderr).toMatch(/--release needs --artifacts DIR/);
    expect(vmendorse(["publish", "--release", built.releaseFile, "--artifacts", "x", "--retries", "99"], root).stderr).toMatch(/--retries must be an integer from 0 to 10/);
    const help = vmendorse(["publish", "--help"], root);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--to dir:PATH\|http:URL\|oci:HOST\/NAMESPACE\|appdb:URL\|github:OWNER\/REPO/);
  });

  it("a file that is not a build record, or a missing artifact, exits 1 naming the file", () => {
    const r = vmendorse(["publish", "--release", "vmendorse.yaml", "--artifacts", built.artifactsDir, "--to", `dir:${join(root, "r1")}`], root);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^vmendorse\.yaml: not a build record/m);
    const m = vmendorse(["publish", "--release", built.releaseFile, "--artifacts", join(root, "images"), "--to", `dir:${join(root, "r1")}`], root);
    expect(m.code).toBe(1);
    expect(m.stderr).toMatch(/images\/egi\.debian\.12\/releases\/20261120\.yaml:\d+:\d+: \/artifacts\/0: debian-12-20261120\.qcow2 not found/);
    expect(existsSync(join(root, "r1"))).toBe(false);
  });

  it("publishes a release to the default folder and reports as JSON", () => {
    const r = vmendorse(["publish", "--release", built.releaseFile, "--artifacts", built.artifactsDir, "--json"], root);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.releases).toEqual([{ appliance: "egi.debian.12", version: "20261120" }]);
    expect(report.outcomes).toHaveLength(5);
    expect(existsSync(join(root, "out", "repository", "egi.debian.12", "debian-12-20261120.qcow2"))).toBe(true);
  });
});
