// Each attack on a site's update is refused with a reason naming what failed (the CLI as sites run it).
import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync, writeFileSync, rmSync, existsSync } from "node:fs";
import { join } from "node:path";
import { vmendorse } from "../cli/run-cli.js";
import { composedList, NOW, writeSigned, type SignedList } from "./signed-list.js";
import type { ImageList } from "../../src/model/types.js";
import { isoSeconds } from "../../src/util/time.js";

const at = (ms: number) => ["--now", isoSeconds(ms)];
let base: ImageList;
let good: SignedList;
let other: SignedList;

function verify(s: SignedList, extra: string[] = [], key = s.pubFile) {
  return vmendorse(["verify", "--list", s.listFile, "--bundle", s.bundleFile, "--key", key, ...at(NOW), ...extra]);
}
function withSerial(list: ImageList, serial: number): ImageList {
  return { ...structuredClone(list), serial };
}

beforeAll(async () => {
  base = composedList();
  good = await writeSigned(base);
  other = await writeSigned(base); // the same list signed with a different key
});

describe("verify refuses", () => {
  it("accepts the genuine list (the baseline the refusals are measured against)", () => {
    const r = verify(good, ["--json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.ok).toBe(true);
    expect(out.list.serial).toBe(base.serial);
    expect(out.images.length).toBe(Object.values(base.vos).reduce((n, v) => n + v.images.length, 0));
  });

  it("a list with one byte changed", async () => {
    const s = await writeSigned(base);
    const bytes = readFileSync(s.listFile);
    const i = bytes.indexOf("egi.debian.12");
    bytes[i + 4] = "x".charCodeAt(0);
    writeFileSync(s.listFile, bytes);
    const r = verify(s);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/signature not valid for this list and signer/);
  });

  it("a bundle whose stated digest is not the list's", async () => {
    const s = await writeSigned(base);
    const bundle = JSON.parse(readFileSync(s.bundleFile, "utf8"));
    bundle.messageSignature.messageDigest.digest = Buffer.alloc(32, 7).toString("base64");
    writeFileSync(s.bundleFile, JSON.stringify(bundle));
    const r = verify(s);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the bundle's message digest is not the SHA-256 of/);
  });

  it("a list signed by another key", () => {
    const r = verify(good, [], other.pubFile);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/sigstore\.json: signature not valid/);
  });

  it("an expired list (freeze attack)", () => {
    const r = verify(good, at(Date.parse(base.expires) + 1000));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\/expires: the list expired at .*freeze attack/);
  });

  it("a list dated in the future", () => {
    const r = verify(good, at(Date.parse(base.issued) - 3600_000));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\/issued: the list is dated in the future/);
  });

  it("a replayed older serial (rollback), and a reused serial with other content", async () => {
    const state = join(good.dir, "state.json");
    rmSync(state, { force: true });
    const newer = await writeSigned(withSerial(base, base.serial + 1));
    expect(verify(newer, ["--state", state]).code).toBe(0);
    expect(JSON.parse(readFileSync(state, "utf8")).serial).toBe(base.serial + 1);
    const r = verify(good, ["--state", state]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`/serial: ${base.serial} is lower than the last serial seen, ${base.serial + 1}.*rollback`));
    expect(JSON.parse(readFileSync(state, "utf8")).serial).toBe(base.serial + 1); // unchanged by a refusal
    const same = await writeSigned({ ...withSerial(base, base.serial + 1), revoked: [] });
    const r2 = verify(same, ["--state", state]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/already seen with different content/);
    expect(verify(newer, ["--state", state]).code).toBe(0); // the same list again is fine
  });

  it("a list for other VOs (mix-and-match): only the requested VO's section is ever returned", async () => {
    const onlyBiomed: ImageList = { ...structuredClone(base), vos: { biomed: structuredClone(base.vos.biomed!) } };
    const s = await writeSigned(onlyBiomed);
    const r = verify(s, ["--vo", "fedcloud.egi.eu"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\/vos: VO "fedcloud.egi.eu" is not in this list \(it has: biomed\)/);
    const ok = JSON.parse(verify(good, ["--vo", "biomed", "--json"]).stdout);
    expect(ok.images.map((e: { vo: string }) => e.vo)).toEqual(base.vos.biomed!.images.map(() => "biomed"));
  });

  it("a look-alike VO name (Cyrillic 'е' in fedcloud.egi.eu)", () => {
    const r = verify(good, ["--vo", "fedcloud.\u0435gi.eu", "--json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, code: "list.vo" });
  });

  it("a verification with no signer pinned (usage error)", () => {
    const r = vmendorse(["verify", "--list", good.listFile]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the signer must be pinned/);
  });

  it("a list that does not match the schema even though it is signed", async () => {
    const broken = structuredClone(base) as unknown as Record<string, unknown>;
    delete broken.expires;
    const s = await writeSigned(broken as unknown as ImageList);
    const r = verify(s);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/imagelist\.json does not match schemas\/imagelist\.schema\.json/);
    expect(r.stderr).toMatch(/expires/);
  });

  it("with --vo, only that VO's section (and the list's own fields) must match the schema", async () => {
    const list = structuredClone(base) as unknown as { vos: Record<string, { images: Record<string, unknown>[] }> };
    delete list.vos["fedcloud.egi.eu"]!.images[0]!.endorser;
    const s = await writeSigned(list as unknown as ImageList);
    expect(verify(s, ["--vo", "biomed"]).code).toBe(0);
    const r = verify(s, ["--vo", "fedcloud.egi.eu"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\/vos\/fedcloud\.egi\.eu\/images\/0.*endorser/);
    expect(verify(s).code).toBe(1);
  });

  it("revoked images are reported and never returned as usable, even if also listed", async () => {
    const entry = base.vos["fedcloud.egi.eu"]!.images[0]!;
    const list = structuredClone(base);
    list.revoked.push({ appliance: entry.appliance, version: entry.version, sha512: entry.artifacts.map((a) => a.sha512), reason: "CVE-2026-0001 in sshd", revoked_at: base.issued, revoked_by: "csirt", vos: ["*"] });
    const s = await writeSigned(list);
    const out = JSON.parse(verify(s, ["--json", "--vo", "fedcloud.egi.eu"]).stdout);
    expect(out.images.map((e: { appliance: string }) => e.appliance)).not.toContain(entry.appliance);
    expect(out.dropped).toContainEqual(expect.objectContaining({ appliance: entry.appliance, reason: "revoked: CVE-2026-0001 in sshd" }));
    expect(existsSync(s.listFile)).toBe(true);
  });
});
