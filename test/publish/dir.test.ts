// The folder publisher (the default appliance repository) and the checks every publish run makes
// before the first upload: build record against the files, the list against its bundle, the list's
// entries against the release, rollback and immutability guards.
import { beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync, cpSync } from "node:fs";
import { join } from "node:path";
import { commitAll, copyRepo } from "../compose/repo-copy.js";
import { composeAndSign, endorseRelease, makeRelease, type BuiltRelease } from "./fixtures.js";
import { publish, type PublishOptions } from "../../src/publish/index.js";
import { InvalidInputError, RefusedError } from "../../src/util/diagnostic.js";
import { readPublicKey } from "../../src/sign/local-key.js";

const ADMIN = { name: "Repo Admin", email: "admin@egi.example" };
let root: string;
let built: BuiltRelease;
let listDir: string;
let publicKey: string;

beforeAll(async () => {
  root = copyRepo();
  built = makeRelease(root, join(root, "build-out"));
  endorseRelease(root, built);
  commitAll(root, "release 20261120 endorsed", ADMIN, "2026-11-21T12:00:00Z");
  listDir = join(root, "out");
  ({ publicKey } = await composeAndSign(root, listDir));
  mkdirSync(join(listDir, "reports"), { recursive: true });
  writeFileSync(join(listDir, "reports", "debian-12-20261120.scan.md"), "# checklist\nall passed\n");
});

function opts(target: string, extra: Partial<PublishOptions> = {}): PublishOptions {
  return {
    root,
    releases: [built.releaseFile],
    artifactDirs: [built.artifactsDir],
    listDir,
    targets: [{ kind: "dir", path: target }],
    retry: { attempts: 2, baseMs: 5, maxMs: 10 },
    env: {},
    progress: () => {},
    ...extra,
  };
}

describe("publish to a folder", () => {
  it("places every artifact under <appliance>/, then the list, imagelist.json last; a rerun changes nothing", async () => {
    const target = join(root, "repo-a");
    const r = await publish(opts(target, { trust: { kind: "key", keyFile: publicKey, publicKey: readPublicKey(publicKey) } }));
    const names = readdirSync(join(target, "egi.debian.12")).sort();
    expect(names).toEqual(["debian-12-20261120.cdx.json", "debian-12-20261120.ova", "debian-12-20261120.packages.tsv", "debian-12-20261120.qcow2", "debian-12-20261120.scan.json"]);
    expect(readFileSync(join(target, "egi.debian.12", "debian-12-20261120.qcow2")).equals(readFileSync(built.qcow2))).toBe(true);
    expect(readFileSync(join(target, "imagelist.json")).equals(readFileSync(join(listDir, "imagelist.json")))).toBe(true);
    expect(existsSync(join(target, "imagelist.json.sigstore.json"))).toBe(true);
    expect(readdirSync(join(target, "hepix")).sort()).toEqual(["biomed.imagelist.json", "fedcloud.egi.eu.imagelist.json", "vo.elixir-europe.org.imagelist.json"]);
    expect(existsSync(join(target, "reports", "debian-12-20261120.scan.md"))).toBe(true);
    // Order: all artifacts, then reports and HEPiX lists, the bundle, and imagelist.json last.
    const items = r.outcomes.map((o) => o.item);
    expect(items.at(-1)).toBe("imagelist.json");
    expect(items.at(-2)).toBe("imagelist.json.sigstore.json");
    expect(items.findIndex((i) => i.startsWith("hepix/"))).toBeGreaterThan(items.findIndex((i) => i.endsWith(".qcow2")));
    expect(r.outcomes.every((o) => o.action === "uploaded")).toBe(true);
    // No temporaries left behind.
    expect(readdirSync(join(target, "egi.debian.12")).some((n) => n.startsWith("."))).toBe(false);

    const again = await publish(opts(target));
    expect(again.outcomes.map((o) => o.action)).toEqual(again.outcomes.map(() => "present"));
  });

  it("refuses before any upload when a file differs from its build record, naming the file and field", async () => {
    const dir = join(root, "tampered");
    cpSync(built.artifactsDir, dir, { recursive: true });
    writeFileSync(join(dir, "debian-12-20261120.cdx.json"), "{}\n");
    const target = join(root, "repo-b");
    const e = await publish(opts(target, { artifactDirs: [dir] })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InvalidInputError);
    const d = (e as InvalidInputError).diagnostics[0]!;
    expect(d).toMatchObject({ file: built.releaseFile, field: "/sbom/sha512", rule: "publish.digest" });
    expect(d.line).toBeGreaterThan(0);
    expect(existsSync(target)).toBe(false);
  });

  it("refuses to overwrite a published artifact that has other content (immutability)", async () => {
    const target = join(root, "repo-c");
    mkdirSync(join(target, "egi.debian.12"), { recursive: true });
    writeFileSync(join(target, "egi.debian.12", "debian-12-20261120.ova"), "an older build\n");
    const e = await publish(opts(target)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RefusedError);
    expect((e as Error).message).toMatch(/debian-12-20261120\.ova exists with other content/);
    expect(existsSync(join(target, "imagelist.json"))).toBe(false); // the list never goes out after a failure
  });

  it("refuses an unsigned list, a bundle over other bytes, and a rollback to an older serial", async () => {
    const target = join(root, "repo-d");
    const unsigned = join(root, "unsigned");
    cpSync(listDir, unsigned, { recursive: true });
    writeFileSync(join(unsigned, "imagelist.json.sigstore.json"), "");
    const { rmSync } = await import("node:fs");
    rmSync(join(unsigned, "imagelist.json.sigstore.json"));
    await expect(publish(opts(target, { releases: [], listDir: unsigned }))).rejects.toThrow(/not signed/);

    const resigned = join(root, "other-bytes");
    cpSync(listDir, resigned, { recursive: true });
    writeFileSync(join(resigned, "imagelist.json"), readFileSync(join(listDir, "imagelist.json"), "utf8").replace(/"serial": \d+/, '"serial": 999'));
    await expect(publish(opts(target, { releases: [], listDir: resigned }))).rejects.toThrow(/signs other bytes/);

    await publish(opts(target, { releases: [] }));
    const published = JSON.parse(readFileSync(join(target, "imagelist.json"), "utf8"));
    writeFileSync(join(target, "imagelist.json"), JSON.stringify({ ...published, serial: published.serial + 5 }));
    await expect(publish(opts(target, { releases: [] }))).rejects.toThrow(/newer than this list's .* refusing to roll it back/);
  });

  it("refuses a list whose entry for the release names other artifacts", async () => {
    // Another build of the same appliance and version, with its own (consistent) build record.
    const otherRoot = copyRepo();
    const b2 = makeRelease(otherRoot, join(otherRoot, "build-out"));
    const e = await publish(opts(join(root, "repo-e"), { root: otherRoot, releases: [b2.releaseFile], artifactDirs: [b2.artifactsDir] })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RefusedError);
    expect((e as Error).message).toMatch(/entry for egi\.debian\.12 20261120 names other artifacts/);
    expect(existsSync(join(root, "repo-e"))).toBe(false);
  });
});
