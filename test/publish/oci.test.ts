// Pushes a release to a real registry (Debian's docker-registry) with the project's own OCI client and
// pulls it back by digest: manifest bytes, annotations, disk and SBOM blobs, tags, the SBOM referrer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { copyRepo } from "../compose/repo-copy.js";
import { startRegistry, type Registry } from "./registry.js";
import { makeRelease, type BuiltRelease } from "./fixtures.js";
import { loadRepository } from "../../src/repo/load.js";
import { findRelease, planRelease } from "../../src/publish/plan.js";
import { publishReleaseToOci } from "../../src/publish/oci/publish.js";
import type { PublishContext } from "../../src/publish/context.js";

let registry: Registry;
let root: string;
let built: BuiltRelease;

beforeAll(async () => {
  registry = await startRegistry();
  root = copyRepo();
  built = makeRelease(root, join(root, "build-out"), { diskMb: 3 });
});
afterAll(async () => {
  await registry?.destroy();
});

const ctx = (): PublishContext => ({ retry: { attempts: 3, baseMs: 10, maxMs: 50 }, progress: () => {}, env: {}, outcomes: [] });

async function plan() {
  const { repo, diagnostics } = loadRepository(root);
  const { release, image } = findRelease(repo, diagnostics, built.releaseFile);
  return planRelease(release, image, [built.artifactsDir]);
}

/** GET from the registry with the given Accept header; returns bytes and headers. */
async function get(path: string, accept?: string) {
  const r = await fetch(`${registry.url}/v2/${path}`, { headers: accept ? { accept } : {} });
  return { status: r.status, headers: r.headers, bytes: Buffer.from(await r.arrayBuffer()) };
}
const sha256 = (b: Buffer) => "sha256:" + createHash("sha256").update(b).digest("hex");

describe("OCI publisher against docker-registry", () => {
  it("pushes the qcow2 with glance annotations, tags it, attaches the SBOM, and reads back by digest", async () => {
    const c = ctx();
    const [pushed] = await publishReleaseToOci(await plan(), { kind: "oci", registry: registry.host, namespace: "egi_vm_images", scheme: "http" }, "https://github.com/egi-federation/vmendorse", c);
    expect(pushed).toBeDefined();
    const name = "egi_vm_images/egi.debian.12";
    expect(pushed!.repository).toBe(name);
    expect(pushed!.tags).toEqual(["12-2026-11-20-01234567", "12"]);

    // Pull the manifest back by digest: its bytes hash to the digest, and it carries the annotations.
    const m = await get(`${name}/manifests/${pushed!.manifestDigest}`, "application/vnd.oci.image.manifest.v1+json");
    expect(m.status).toBe(200);
    expect(sha256(m.bytes)).toBe(pushed!.manifestDigest);
    const manifest = JSON.parse(m.bytes.toString("utf8"));
    expect(manifest.artifactType).toBe("application/x-qemu-disk");
    expect(manifest.layers).toHaveLength(1);
    const layer = manifest.layers[0];
    expect(layer.mediaType).toBe("application/x-qemu-disk");
    const expected = {
      "org.openstack.glance.os_distro": "debian",
      "org.openstack.glance.os_version": "12",
      "org.openstack.glance.os_type": "linux",
      "org.openstack.glance.os_admin_user": "debian",
      "org.openstack.glance.architecture": "x86_64",
      "org.openstack.glance.disk_format": "qcow2",
      "org.openstack.glance.container_format": "bare",
      "eu.egi.cloud.tag": "2026-11-20-01234567",
      "eu.egi.cloud.image.title": "EGI Debian 12 (bookworm)",
      "org.opencontainers.image.title": "debian-12-20261120.qcow2",
    };
    expect(layer.annotations).toMatchObject(expected);
    expect(manifest.annotations).toMatchObject({ ...expected, "org.opencontainers.image.revision": "0123456789abcdef0123456789abcdef01234567", "org.opencontainers.image.version": "20261120" });

    // The disk blob by digest: same bytes as the local qcow2 (sha256 and sha512).
    const local = readFileSync(built.qcow2);
    expect(layer.digest).toBe(sha256(local));
    const blob = await get(`${name}/blobs/${layer.digest}`);
    expect(blob.status).toBe(200);
    expect(sha256(blob.bytes)).toBe(layer.digest);
    expect(createHash("sha512").update(blob.bytes).digest("hex")).toBe(createHash("sha512").update(local).digest("hex"));

    // Both tags resolve to the same manifest.
    for (const tag of pushed!.tags) {
      const t = await get(`${name}/manifests/${tag}`, "application/vnd.oci.image.manifest.v1+json");
      expect(sha256(t.bytes)).toBe(pushed!.manifestDigest);
    }

    // The SBOM: a manifest whose subject is the disk manifest, listed in the referrers fallback tag.
    const idx = await get(`${name}/manifests/${pushed!.manifestDigest.replace(":", "-")}`, "application/vnd.oci.image.index.v1+json");
    expect(idx.status).toBe(200);
    const index = JSON.parse(idx.bytes.toString("utf8"));
    expect(index.manifests).toHaveLength(1);
    expect(index.manifests[0]).toMatchObject({ digest: pushed!.sbomDigest, artifactType: "application/vnd.cyclonedx+json" });
    const s = await get(`${name}/manifests/${pushed!.sbomDigest}`, "application/vnd.oci.image.manifest.v1+json");
    const sbomManifest = JSON.parse(s.bytes.toString("utf8"));
    expect(sbomManifest.subject.digest).toBe(pushed!.manifestDigest);
    const sbomBlob = await get(`${name}/blobs/${sbomManifest.layers[0].digest}`);
    expect(sbomBlob.bytes.equals(readFileSync(built.sbom))).toBe(true);

    expect(c.outcomes.filter((o) => o.action === "uploaded").map((o) => o.item)).toContain("debian-12-20261120.qcow2");
  });

  it("a second run uploads nothing and tags nothing (idempotent)", async () => {
    const c = ctx();
    await publishReleaseToOci(await plan(), { kind: "oci", registry: registry.host, namespace: "egi_vm_images", scheme: "http" }, "https://github.com/egi-federation/vmendorse", c);
    expect(c.outcomes.filter((o) => o.action !== "present")).toEqual([]);
    const tags = JSON.parse((await get("egi_vm_images/egi.debian.12/tags/list")).bytes.toString("utf8")).tags.sort();
    expect(tags).toHaveLength(3); // dated, floating, referrers fallback tag
    const idx = await get(`egi_vm_images/egi.debian.12/manifests/${tags.find((t: string) => t.startsWith("sha256-"))}`, "application/vnd.oci.image.index.v1+json");
    expect(JSON.parse(idx.bytes.toString("utf8")).manifests).toHaveLength(1);
  });
});
