// AppDB registration against a local stand-in of AppDB's REST API (AppDB cannot run here; the stand-in
// validates every document against the shape of AppDB's virtualization.xsd): insert unpublished, read
// back, publish; idempotent reruns; an AppDB error leaves nothing published and a rerun completes.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { join } from "node:path";
import { copyRepo } from "../compose/repo-copy.js";
import { makeRelease, type BuiltRelease } from "./fixtures.js";
import { startAppdbStandin, type AppdbStandin } from "./appdb-standin.js";
import { publish, type PublishOptions } from "../../src/publish/index.js";
import { RefusedError } from "../../src/util/diagnostic.js";
import { loadRepository } from "../../src/repo/load.js";
import { findRelease, planRelease } from "../../src/publish/plan.js";
import { applianceXml } from "../../src/publish/appdb/appliance.js";

let appdb: AppdbStandin;
let root: string;
let built: BuiltRelease;

beforeAll(async () => {
  appdb = await startAppdbStandin();
  root = copyRepo();
  built = makeRelease(root, join(root, "build-out"));
});
afterAll(async () => {
  await appdb?.close();
});
beforeEach(() => {
  appdb.requests.length = 0;
});

function opts(extra: Partial<PublishOptions> = {}): PublishOptions {
  return {
    root,
    releases: [built.releaseFile],
    artifactDirs: [built.artifactsDir],
    targets: [{ kind: "appdb", base: appdb.url }],
    appdb: { apps: { "egi.debian.12": "1234" }, token: appdb.token },
    retry: { attempts: 3, baseMs: 10, maxMs: 50 },
    env: {},
    progress: () => {},
    ...extra,
  };
}
const versions = () => appdb.apps.get("1234")!.versions;

describe("AppDB publisher (stand-in API)", () => {
  it("refuses without an application id for the appliance, and the stand-in refuses without the token", async () => {
    await expect(publish(opts({ appdb: { apps: {}, token: appdb.token } }))).rejects.toThrow(/no AppDB application id for egi\.debian\.12/);
    await expect(publish(opts({ appdb: { apps: { "*": "1234" } } }))).rejects.toThrow(/HTTP 401/);
    expect(versions()).toEqual([]);
  });

  it("registers the version with every image's metadata, reads it back, then publishes it", async () => {
    const r = await publish(opts());
    expect(appdb.rejected).toEqual([]);
    expect(appdb.unexpected).toEqual([]);
    expect(versions()).toHaveLength(1);
    const v = versions()[0]!;
    expect(v).toMatchObject({ version: "20261120", published: true });
    expect(v.images).toHaveLength(2);
    const qcow2 = v.images.find((i) => i.format === "QCOW2")!;
    expect(qcow2).toMatchObject({ arch: "x86_64", hypervisors: ["QEMU", "KVM"], cores: [1, 2], ram: [1024, 2048], url: "https://appliances.example.org/images/egi.debian.12/debian-12-20261120.qcow2" });
    const record = loadRepository(root).repo.releases.get("egi.debian.12")!.get("20261120")!.data;
    expect(qcow2.sha512).toBe(record.artifacts[0]!.sha512);
    expect(qcow2.size).toBe(record.artifacts[0]!.size);
    // Order: insert unpublished (PUT), read back (GET), then publish (POST).
    const writes = appdb.requests.filter((x) => !x.startsWith("GET"));
    expect(writes).toEqual(["PUT /applications/1234/virtualization", "POST /applications/1234/virtualization"]);
    expect(r.outcomes.map((o) => o.action)).toEqual(["registered", "published"]);
  });

  it("a rerun sees the published version and writes nothing", async () => {
    const r = await publish(opts());
    expect(appdb.requests.filter((x) => !x.startsWith("GET"))).toEqual([]);
    expect(r.outcomes.map((o) => o.action)).toEqual(["present"]);
  });

  it("an AppDB error while publishing leaves the version unpublished; a rerun publishes that same version", async () => {
    const other = makeRelease(root, join(root, "build-2"), { version: "20261121" });
    appdb.faults.push({ method: "POST", path: /virtualization$/, status: 500, times: 99 });
    const e = await publish(opts({ releases: [other.releaseFile], artifactDirs: [other.artifactsDir] })).catch((x: unknown) => x);
    expect((e as Error).message).toMatch(/gave up after 3 attempts.*HTTP 500/);
    appdb.faults.length = 0;
    const v = versions().filter((x) => x.version === "20261121");
    expect(v).toHaveLength(1);
    expect(v[0]!.published).toBe(false); // invisible in the marketplace
    await publish(opts({ releases: [other.releaseFile], artifactDirs: [other.artifactsDir] }));
    const after = versions().filter((x) => x.version === "20261121");
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: v[0]!.id, published: true });
  });

  it("removes unpublished duplicates an interrupted run left", async () => {
    const third = makeRelease(root, join(root, "build-3"), { version: "20261122" });
    const { repo, diagnostics } = loadRepository(root);
    const { release, image } = findRelease(repo, diagnostics, third.releaseFile);
    const plan = await planRelease(release, image, [third.artifactsDir]);
    const vocab = { hypervisors: new Map([["qemu", "1"], ["kvm", "2"]]), formats: new Map([["qcow2", "2"], ["ova", "4"]]), archs: new Map([["x86_64", "1"]]) };
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${appdb.url}/applications/1234/virtualization?accesstoken=${appdb.token}`, { method: "PUT", headers: { "content-type": "application/xml" }, body: applianceXml(plan, { appId: "1234", vocab, published: false }) });
      expect(res.status).toBe(201);
    }
    const r = await publish(opts({ releases: [third.releaseFile], artifactDirs: [third.artifactsDir] }));
    expect(versions().filter((x) => x.version === "20261122")).toHaveLength(1);
    expect(versions().find((x) => x.version === "20261122")!.published).toBe(true);
    expect(r.outcomes.filter((o) => o.action === "removed")).toHaveLength(1);
  });

  it("refuses to change a published version that lists other images", async () => {
    const v = versions().find((x) => x.version === "20261120")!;
    const saved = v.images[0]!.sha512;
    v.images[0]!.sha512 = "0".repeat(128);
    const e = await publish(opts()).catch((x: unknown) => x);
    v.images[0]!.sha512 = saved;
    expect(e).toBeInstanceOf(RefusedError);
    expect((e as Error).message).toMatch(/published in AppDB with other images/);
  });
});
