import { describe, expect, it, beforeAll } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { composeRepository } from "../../src/compose/index.js";
import { catalogueView, humanSize, link, verifyCommand, shellQuote } from "../../src/catalogue/view.js";
import { jsonForScript } from "../../src/catalogue/embed.js";
import { renderCatalogue, CSP } from "../../src/catalogue/render.js";
import { inspectBundle } from "../../src/catalogue/bundle.js";
import { parseVerification } from "../../src/catalogue/verification.js";
import { readConfig } from "../../src/catalogue/index.js";
import type { ImageList } from "../../src/model/types.js";
import { commitAll, copyRepo } from "../compose/repo-copy.js";
import { signLocally } from "./local-bundle.js";

const NOW = Date.parse("2026-11-23T12:00:00Z");
const ADMIN = { name: "Repo Admin", email: "admin@egi.example" };

describe("catalogue view and page text", () => {
  let root: string;
  let list: ImageList;
  let listBytes: Buffer;
  beforeAll(() => {
    root = copyRepo();
    commitAll(root, "initial data", ADMIN, "2026-11-21T12:00:00Z");
    composeRepository({ root, outDir: join(root, "out"), now: NOW });
    listBytes = readFileSync(join(root, "out", "imagelist.json"));
    list = JSON.parse(listBytes.toString("utf8")) as ImageList;
  });

  it("has one section per VO with exactly the list's entries, and the revocations", () => {
    const v = catalogueView(list, { now: NOW, listFile: "imagelist.json" });
    expect(v.vos.map((x) => x.name)).toEqual(Object.keys(list.vos).sort());
    for (const vo of v.vos) {
      expect(vo.images.map((i) => `${i.appliance}@${i.version}`)).toEqual(list.vos[vo.name]!.images.map((i) => `${i.appliance}@${i.version}`));
    }
    expect(v.revoked.map((r) => r.reason)).toEqual(list.revoked.map((r) => r.reason));
    expect(v.timeline).toHaveLength(Object.values(list.vos).reduce((n, x) => n + x.images.length, 0));
    expect([...v.timeline.map((t) => t.expiresAt)]).toEqual([...v.timeline.map((t) => t.expiresAt)].sort());
  });

  it("computes days left and marks soon and expired endorsements", () => {
    const first = Object.values(list.vos).flatMap((x) => x.images)[0]!;
    const exp = Date.parse(first.expires_at);
    const at = (now: number) => catalogueView(list, { now, listFile: "l.json" }).vos.flatMap((x) => x.images).find((i) => i.appliance === first.appliance && i.expiresAt === first.expires_at)!;
    expect(at(exp - 30 * 86_400_000)).toMatchObject({ daysLeft: 30, state: "ok" });
    expect(at(exp - 13.5 * 86_400_000)).toMatchObject({ daysLeft: 13, state: "soon" });
    expect(at(exp)).toMatchObject({ state: "expired" });
    expect(catalogueView(list, { now: Date.parse(list.expires), listFile: "l.json" }).list.expired).toBe(true);
  });

  it("gives the exact verify command with the signer from vmendorse.yaml", () => {
    const config = readConfig(root, true)!;
    const signer = config.list.signer!;
    const v = catalogueView(list, { now: NOW, listFile: "imagelist.json", signer });
    expect(v.signature.command).toBe(`npx vmendorse verify --list imagelist.json --bundle imagelist.json.sigstore.json --identity ${signer.identity} --issuer ${signer.issuer}`);
    expect(verifyCommand("my list.json", "b.json")).toBe("npx vmendorse verify --list 'my list.json' --bundle b.json --key PUBLIC_KEY.pem");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });

  it("embeds JSON that cannot end its script element and parses back to the same value", () => {
    const hostile = { t: "</script><script>alert(1)</script><!-- & \u2028" };
    const text = jsonForScript(hostile);
    expect(text).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(text)).toEqual(hostile);
  });

  it("links only http(s) addresses", () => {
    expect(link("https://a.example/x.qcow2")).toEqual({ text: "https://a.example/x.qcow2", href: "https://a.example/x.qcow2" });
    expect(link("javascript:alert(1)")).toEqual({ text: "javascript:alert(1)" });
    expect(link("oci://registry.example/img:1")).toEqual({ text: "oci://registry.example/img:1" });
  });

  it("prints sizes in binary units", () => {
    expect(humanSize(389152768)).toBe("371 MiB");
    expect(humanSize(1.5 * 1024 ** 3)).toBe("1.5 GiB");
    expect(humanSize(512)).toBe("512 B");
  });

  it("writes no list text into the markup outside the JSON data element, and allows no network source", () => {
    const html = renderCatalogue(list, { now: NOW, listFile: "imagelist.json" });
    const outside = html.replace(/<script type="application\/json" id="catalogue-data">[^<]*<\/script>/, "");
    const anEntry = Object.values(list.vos).flatMap((x) => x.images)[0]!;
    expect(outside).not.toContain(anEntry.title);
    expect(outside).not.toContain(list.revoked[0]!.reason.slice(0, 30));
    expect(CSP).toMatch(/default-src 'none'/);
    expect(CSP).not.toMatch(/https?:|'unsafe-inline'|\*/);
  });

  it("summarises a real bundle of the list and refuses one that signs other bytes", async () => {
    const signed = await signLocally(listBytes, { hint: "release-key" });
    const r = inspectBundle(signed.bundle, "imagelist.json.sigstore.json", listBytes);
    expect(r).toEqual({ ok: true, summary: { file: "imagelist.json.sigstore.json", mediaType: signed.bundle.mediaType, material: "public key", keyHint: "release-key", logIndexes: [] } });
    const other = inspectBundle(signed.bundle, "b.json", Buffer.concat([listBytes, Buffer.from(" ")]));
    expect(other.ok).toBe(false);
    expect(inspectBundle({ mediaType: "nope" }, "b.json", listBytes)).toMatchObject({ ok: false, message: expect.stringMatching(/^not a Sigstore bundle/) });
  });

  it("reads the signer identity from a bundle's certificate and picks the matching verify command", async () => {
    const id = "https://github.com/egi-federation/vmendorse/.github/workflows/release.yml@refs/heads/main";
    const signed = await signLocally(listBytes, { certificateFor: id });
    const r = inspectBundle(signed.bundle, "b.json", listBytes);
    expect(r).toMatchObject({ ok: true, summary: { material: "certificate", certificateIdentity: id } });
    if (!r.ok) return;
    const signer = { identity: id, issuer: "https://token.actions.githubusercontent.com" };
    expect(catalogueView(list, { now: NOW, listFile: "l.json", bundle: r.summary, signer }).signature).toMatchObject({ needsKey: false, identityMismatch: false });
    expect(catalogueView(list, { now: NOW, listFile: "l.json", bundle: r.summary, signer: { ...signer, identity: "https://other" } }).signature.identityMismatch).toBe(true);
    const keyed = inspectBundle((await signLocally(listBytes)).bundle, "b.json", listBytes);
    if (keyed.ok) expect(catalogueView(list, { now: NOW, listFile: "l.json", bundle: keyed.summary, signer }).signature.command).toMatch(/--key PUBLIC_KEY\.pem$/);
    expect(keyed.ok).toBe(true);
  });

  it("accepts a verification result only with a boolean verdict", () => {
    expect(parseVerification({ verified: true, identity: "x" }, "v.json")).toEqual({ ok: true, result: { verified: true, identity: "x" } });
    const bad = parseVerification({ verified: "yes", reason: 3 }, "v.json");
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.diagnostics.map((d) => d.field)).toEqual(["/verified", "/reason"]);
    expect(parseVerification({ verdict: true }, "v.json").ok).toBe(false);
  });

  it("reads `vmendorse verify --json` output and refuses one about another list", () => {
    const ours = { identifier: list.identifier, serial: list.serial };
    const passed = { ok: true, list: { ...ours, issued: list.issued }, signer: { kind: "keyless", identity: "https://id", issuer: "https://iss" } };
    expect(parseVerification(passed, "v.json", ours)).toEqual({ ok: true, result: { verified: true, identity: "https://id", issuer: "https://iss" } });
    expect(parseVerification({ ok: false, code: "signature", reason: "bad signature" }, "v.json", ours)).toEqual({ ok: true, result: { verified: false, reason: "bad signature" } });
    const stale = parseVerification({ ...passed, list: { ...ours, serial: list.serial - 1 } }, "v.json", ours);
    expect(stale.ok).toBe(false);
    if (!stale.ok) expect(stale.diagnostics[0]!.message).toMatch(/^is the result for list .* serial \d+, not for/);
  });
});
