// `vmendorse catalogue` as a user runs it (the built CLI): compose, then generate; bad input is named
// and leaves the previous page untouched.
import { describe, expect, it, beforeAll } from "vitest";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { commitAll, copyRepo } from "../compose/repo-copy.js";
import { vmendorse } from "../cli/run-cli.js";
import { signLocally } from "./local-bundle.js";
import { DEFAULT_KEY_DIR, DEFAULT_KEY_FILE } from "../../src/sign/local-key.js";

const NOW = "2026-11-23T12:00:00Z";

describe("vmendorse catalogue (CLI)", () => {
  let root: string;
  beforeAll(() => {
    root = copyRepo();
    commitAll(root, "initial data", { name: "Repo Admin", email: "admin@egi.example" }, "2026-11-21T12:00:00Z");
    const c = vmendorse(["compose", "--root", root, "--out", "out", "--now", NOW], root);
    expect(c.code, c.stderr).toBe(0);
  });

  it("writes index.html with the signature status `vmendorse sign` and `verify --json` produced", () => {
    const listBytes = readFileSync(join(root, "out", "imagelist.json"));
    const signed = vmendorse(["sign", "out/imagelist.json"], root); // creates the local key on first use
    expect(signed.code, signed.stderr).toBe(0);
    const pub = join(DEFAULT_KEY_DIR, `${DEFAULT_KEY_FILE}.pub`);
    const verified = vmendorse(["verify", "--list", "out/imagelist.json", "--key", pub, "--now", NOW, "--json"], root);
    expect(verified.code, verified.stderr).toBe(0);
    writeFileSync(join(root, "verify.json"), verified.stdout);

    const r = vmendorse(["catalogue", "--list", "out/imagelist.json", "--bundle", "out/imagelist.json.sigstore.json", "--verify-result", "verify.json", "--out", "site", "--now", NOW], root);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const list = JSON.parse(listBytes.toString("utf8")) as { vos: Record<string, { images: unknown[] }>; revoked: unknown[] };
    const n = Object.values(list.vos).reduce((s, v) => s + v.images.length, 0);
    expect(r.stdout).toMatch(new RegExp(`wrote ${join(root, "site", "index.html").replace(/[.]/g, "\\.")} \\(\\d+ bytes\\): ${n} endorsement\\(s\\), ${list.revoked.length} revoked`));
    expect(readdirSync(join(root, "site")).sort()).toEqual(["imagelist.json", "imagelist.json.sigstore.json", "index.html"]);
    expect(readFileSync(join(root, "site", "imagelist.json"))).toEqual(listBytes);
    const html = readFileSync(join(root, "site", "index.html"), "utf8");
    expect(html).toMatch(/^<!doctype html>/);
    const data = JSON.parse(/<script type="application\/json" id="catalogue-data">([^<]*)<\/script>/.exec(html)![1]!);
    const fingerprint = (JSON.parse(verified.stdout) as { signer: { identity: string } }).signer.identity;
    expect(data.signature.verification).toEqual({ verified: true, identity: `key ${fingerprint}` });
    expect(data.signature.bundle).toMatchObject({ file: "imagelist.json.sigstore.json", material: "public key" });
    expect(data.signature.command).toBe("npx vmendorse verify --list imagelist.json --bundle imagelist.json.sigstore.json --key PUBLIC_KEY.pem");
  });

  it("refuses a verification result about another list", () => {
    const stale = JSON.parse(readFileSync(join(root, "verify.json"), "utf8"));
    stale.list.serial -= 1;
    writeFileSync(join(root, "stale.json"), JSON.stringify(stale));
    const r = vmendorse(["catalogue", "--list", "out/imagelist.json", "--verify-result", "stale.json", "--out", "site4"], root);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/stale\.json: \/list: is the result for list .* not for/);
    expect(existsSync(join(root, "site4"))).toBe(false);
  });

  it("refuses a list the schema rejects, naming the file and field, and keeps the old page", () => {
    const before = readFileSync(join(root, "site", "index.html"));
    const bad = JSON.parse(readFileSync(join(root, "out", "imagelist.json"), "utf8"));
    bad.serial = "many";
    writeFileSync(join(root, "bad.json"), JSON.stringify(bad));
    const r = vmendorse(["catalogue", "--list", "bad.json", "--out", "site"], root);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.json: \/serial: .*integer/);
    expect(readFileSync(join(root, "site", "index.html"))).toEqual(before);
    expect(readdirSync(join(root, "site")).filter((f) => f.endsWith(".tmp"))).toEqual([]);

    writeFileSync(join(root, "broken.json"), "{ not json");
    const j = vmendorse(["catalogue", "--list", "broken.json", "--out", "site"], root);
    expect(j.code).toBe(1);
    expect(j.stderr).toMatch(/broken\.json: not valid UTF-8 JSON/);
  });

  it("refuses a bundle that signs another file", async () => {
    writeFileSync(join(root, "other.sigstore.json"), JSON.stringify((await signLocally(Buffer.from("another list"))).bundle));
    const r = vmendorse(["catalogue", "--list", "out/imagelist.json", "--bundle", "other.sigstore.json", "--out", "site2"], root);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/other\.sigstore\.json: signs a different file/);
    expect(existsSync(join(root, "site2", "index.html"))).toBe(false);
  });

  it("refuses a malformed verification result and a missing vmendorse.yaml under --root", () => {
    writeFileSync(join(root, "verify.json"), JSON.stringify({ verified: "yes" }));
    const v = vmendorse(["catalogue", "--list", "out/imagelist.json", "--out", "site3", "--verify-result", "verify.json"], root);
    expect(v.code).toBe(1);
    expect(v.stderr).toMatch(/verify\.json: \/verified: must be true or false/);
    const c = vmendorse(["catalogue", "--list", "out/imagelist.json", "--out", "site3", "--root", "out"], root);
    expect(c.code).toBe(1);
    expect(c.stderr).toMatch(/vmendorse\.yaml: cannot read file/);
    expect(existsSync(join(root, "site3"))).toBe(false);
  });

  it("`vmendorse start` writes the page with the bundle and its own verification", () => {
    const r = vmendorse(["start", "--root", root, "--out", "out-start", "--now", NOW], root);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ok\s+catalogue\s/m);
    const dir = join(root, "out-start", "catalogue");
    expect(readdirSync(dir).sort()).toEqual(["imagelist.json", "imagelist.json.sigstore.json", "index.html"]);
    const html = readFileSync(join(dir, "index.html"), "utf8");
    const data = JSON.parse(/<script type="application\/json" id="catalogue-data">([^<]*)<\/script>/.exec(html)![1]!);
    expect(data.signature.verification).toMatchObject({ verified: true, identity: expect.stringMatching(/^key sha256:/) });
  });

  it("usage errors exit 2", () => {
    expect(vmendorse(["catalogue", "--out", "x"], root).code).toBe(2);
    expect(vmendorse(["catalogue", "--list", "out/imagelist.json"], root).stderr).toMatch(/--out is required/);
    expect(vmendorse(["catalogue", "--list", "out/imagelist.json", "--out", "x", "--now", "soon"], root).code).toBe(2);
    expect(vmendorse(["--help"]).stdout).toMatch(/catalogue/);
  });
});
