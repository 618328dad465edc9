// The pure parts of publishing: retry policy, targets, OCI names and tags, AppDB XML, rollback guard.
import { describe, expect, it } from "vitest";
import { backoffMs, GaveUpError, isTransient, withRetry } from "../../src/publish/retry.js";
import { HttpStatusError } from "../../src/publish/http.js";
import { describeTarget, parseTarget } from "../../src/publish/targets.js";
import { compareVersions, versionDate, withReferrer } from "../../src/publish/oci/artifact.js";
import { parseXml, escapeXml, children } from "../../src/publish/appdb/xml.js";
import { expiresOn } from "../../src/publish/appdb/appliance.js";
import { checkNotRollback, type ListSet } from "../../src/publish/list-files.js";
import { UsageError } from "../../src/util/diagnostic.js";

describe("retry", () => {
  it("retries 5xx, 429 and connection failures, not 4xx or other errors", () => {
    expect(isTransient(new HttpStatusError("x", 503, ""))).toBe(true);
    expect(isTransient(new HttpStatusError("x", 429, ""))).toBe(true);
    expect(isTransient(new HttpStatusError("x", 404, ""))).toBe(false);
    expect(isTransient(Object.assign(new Error("read"), { code: "ECONNRESET" }))).toBe(true);
    expect(isTransient(new Error("fetch failed", { cause: Object.assign(new Error("connect"), { code: "ECONNREFUSED" }) }))).toBe(true);
    expect(isTransient(new Error("SHA-512 mismatch"))).toBe(false);
  });

  it("backs off exponentially within the bound, with jitter", () => {
    const p = { attempts: 6, baseMs: 100, maxMs: 1000 };
    expect(backoffMs(p, 2, () => 0.5)).toBe(100);
    expect(backoffMs(p, 3, () => 0.5)).toBe(200);
    expect(backoffMs(p, 10, () => 0.5)).toBe(1000);
    expect(backoffMs(p, 2, () => 0)).toBe(75);
    expect(backoffMs(p, 2, () => 1)).toBe(125);
  });

  it("stops after the given number of attempts and says so", async () => {
    const delays: number[] = [];
    let calls = 0;
    const e = await withRetry("upload x", { attempts: 3, baseMs: 10, maxMs: 100 }, async () => {
      calls++;
      throw new HttpStatusError("PUT x", 502, "bad gateway");
    }, { sleep: async (ms) => void delays.push(ms) }).catch((x: unknown) => x);
    expect(calls).toBe(3);
    expect(delays).toHaveLength(2);
    expect(e).toBeInstanceOf(GaveUpError);
    expect((e as Error).message).toBe("upload x: gave up after 3 attempts: PUT x: HTTP 502 (bad gateway)");
    let n = 0;
    await expect(withRetry("y", { attempts: 5, baseMs: 1, maxMs: 1 }, async () => {
      n++;
      throw new HttpStatusError("GET y", 404, "");
    })).rejects.toThrow("GET y: HTTP 404");
    expect(n).toBe(1);
  });
});

describe("targets", () => {
  it("parses every kind and refuses what is unclear", () => {
    expect(parseTarget("dir:out/r", "/w")).toEqual({ kind: "dir", path: "/w/out/r" });
    expect(parseTarget("http:https://u:p@h.example/images/", "/w")).toEqual({ kind: "http", base: "https://u:p@h.example/images" });
    expect(parseTarget("https://h.example/x", "/w")).toEqual({ kind: "http", base: "https://h.example/x" });
    expect(parseTarget("oci:registry.egi.eu/egi_vm_images", "/w")).toEqual({ kind: "oci", registry: "registry.egi.eu", namespace: "egi_vm_images", scheme: "https" });
    expect(parseTarget("oci:127.0.0.1:5000/a/b", "/w")).toMatchObject({ scheme: "http", namespace: "a/b" });
    expect(parseTarget("github:egi-federation/vmendorse", "/w")).toEqual({ kind: "github", owner: "egi-federation", repo: "vmendorse" });
    expect(parseTarget("appdb:https://appdb-pi.egi.eu/rest/1.0", "/w")).toEqual({ kind: "appdb", base: "https://appdb-pi.egi.eu/rest/1.0" });
    for (const bad of ["s3:bucket", "oci:host", "oci:host/Upper", "github:a/b/c", "http:ftp://x", "dir:", "appdb:https://x/?q=1"]) {
      expect(() => parseTarget(bad, "/w"), bad).toThrow(UsageError);
    }
  });

  it("never shows credentials", () => {
    expect(describeTarget(parseTarget("http:https://user:pw@h.example/i", "/"))).toBe("http:https://h.example/i");
  });
});

describe("OCI naming", () => {
  it("dates, version order and the referrers index", () => {
    expect(versionDate("20261117")).toBe("2026-11-17");
    expect(versionDate("20261117.2")).toBe("2026-11-17.2");
    expect(compareVersions("20261117.2", "20261117")).toBeGreaterThan(0);
    expect(compareVersions("20261103", "20261117")).toBeLessThan(0);
    const entry = { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: "sha256:" + "a".repeat(64), size: 10 };
    const first = withReferrer(undefined, entry)!;
    expect(JSON.parse(first.bytes.toString()).manifests).toEqual([entry]);
    expect(withReferrer(first.bytes, entry)).toBeUndefined();
    const other = { ...entry, digest: "sha256:" + "b".repeat(64) };
    expect(JSON.parse(withReferrer(first.bytes, other)!.bytes.toString()).manifests).toHaveLength(2);
  });
});

describe("AppDB XML", () => {
  it("parses elements, attributes, entities and CDATA; refuses DOCTYPE and broken nesting", () => {
    const doc = parseXml(`<?xml version="1.0"?><!-- c --><a:x xmlns:a="n" k='v &amp; w'><a:y>1 &lt; 2</a:y><a:y><![CDATA[<raw>]]></a:y><a:z/></a:x>`);
    expect(doc.attrs.k).toBe("v & w");
    expect(children(doc, "y").map((c) => c.text)).toEqual(["1 < 2", "<raw>"]);
    expect(() => parseXml(`<!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>`)).toThrow(/DOCTYPE/);
    expect(() => parseXml(`<a><b></a></b>`)).toThrow(/does not close/);
    expect(() => parseXml(`<a x="1" x="2"/>`)).toThrow(/duplicate attribute/);
    expect(() => parseXml(`<a/><b/>`)).toThrow(/one root element/);
    expect(parseXml(`<a t="${escapeXml(`"<&>'`)}"/>`).attrs.t).toBe(`"<&>'`);
  });

  it("expires a version after the shortest AppDB period covering the rebuild period", () => {
    expect(expiresOn("2026-11-20T03:00:00Z", 31)).toBe("2027-02-20T03:00:00Z");
    expect(expiresOn("2026-11-20T03:00:00Z", 120)).toBe("2027-05-20T03:00:00Z");
  });
});

describe("rollback guard", () => {
  const set = (serial: number, text: string) => ({ serial, files: [{ kind: "list", bytes: Buffer.from(text) }] }) as unknown as ListSet;
  it("accepts a newer serial or the same bytes, refuses an older serial or other bytes under the same serial", () => {
    expect(checkNotRollback("t", undefined, set(5, "{}"))).toBe("newer");
    expect(checkNotRollback("t", Buffer.from('{"serial":4}'), set(5, "{}"))).toBe("newer");
    expect(checkNotRollback("t", Buffer.from('{"serial":5}'), set(5, '{"serial":5}'))).toBe("same");
    expect(() => checkNotRollback("t", Buffer.from('{"serial":6}'), set(5, "{}"))).toThrow(/refusing to roll it back/);
    expect(() => checkNotRollback("t", Buffer.from('{"serial":5, "x":1}'), set(5, '{"serial":5}'))).toThrow(/a serial is published once/);
  });
});
