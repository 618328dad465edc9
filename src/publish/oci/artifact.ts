// The OCI form of a release, built as EGI's image pipeline and registry sync expect: one manifest per
// qcow2 disk with layer media type application/x-qemu-disk, the org.openstack.glance.* and eu.egi.cloud.*
// annotations on the layer (what the sync reads) and on the manifest (what the registry UI lists),
// a dated tag <os_version>-<date>-<sha8> and a floating tag <os_version> (the sync takes dash-free tags),
// and the CycloneDX SBOM attached as a referrer (`subject`), like `oras attach`.
// Manifests are deterministic (no "now" inside), so a rerun produces the same digests.
import { createHash } from "node:crypto";
import type { ReleasePlan, LocalFile } from "../plan.js";
import { OCI_INDEX, OCI_MANIFEST, type Descriptor } from "./client.js";

export const QEMU_DISK = "application/x-qemu-disk";
export const CYCLONEDX = "application/vnd.cyclonedx+json";
export const EMPTY_CONFIG: Descriptor = {
  mediaType: "application/vnd.oci.empty.v1+json",
  digest: "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
  size: 2,
};
export const EMPTY_CONFIG_BYTES = Buffer.from("{}");

export interface Built {
  bytes: Buffer;
  digest: string;
  descriptor: Descriptor;
}

export function sha256Digest(bytes: Buffer): string {
  return "sha256:" + createHash("sha256").update(bytes).digest("hex");
}

function built(json: unknown, mediaType: string, artifactType?: string): Built {
  const bytes = Buffer.from(JSON.stringify(json));
  const digest = sha256Digest(bytes);
  return { bytes, digest, descriptor: { mediaType, digest, size: bytes.length, ...(artifactType ? { artifactType } : {}) } };
}

/** "20261117" -> "2026-11-17"; "20261117.2" -> "2026-11-17.2". */
export function versionDate(version: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})(\.\d+)?$/.exec(version);
  return m ? `${m[1]}-${m[2]}-${m[3]}${m[4] ?? ""}` : version;
}

/** eu.egi.cloud.tag (<date>-<sha8>, sha8 from the build's commit, else from the disk) and the two tags. */
export function tagsFor(plan: ReleasePlan, disk: LocalFile): { egiTag: string; dated: string; floating: string } {
  const sha8 = (plan.release.source?.commit ?? disk.sha256).slice(0, 8);
  const egiTag = `${versionDate(plan.version)}-${sha8}`;
  const floating = plan.image.os.version;
  return { egiTag, dated: `${floating}-${egiTag}`, floating };
}

export function diskAnnotations(plan: ReleasePlan, disk: LocalFile): Record<string, string> {
  const os = plan.image.os;
  return {
    "org.openstack.glance.os_distro": os.distribution,
    "org.openstack.glance.os_version": os.version,
    "org.openstack.glance.os_type": os.family,
    "org.openstack.glance.os_admin_user": os.admin_user,
    "org.openstack.glance.architecture": os.arch,
    "org.openstack.glance.disk_format": disk.format ?? "qcow2",
    "org.openstack.glance.container_format": "bare",
    "eu.egi.cloud.tag": tagsFor(plan, disk).egiTag,
    "eu.egi.cloud.image.title": plan.image.title,
    "eu.egi.cloud.description": plan.image.description.replace(/\s+/g, " ").trim(),
  };
}

export function diskManifest(plan: ReleasePlan, disk: LocalFile, sourceUrl: string): Built {
  const annotations = diskAnnotations(plan, disk);
  return built(
    {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: QEMU_DISK,
      config: EMPTY_CONFIG,
      layers: [{ mediaType: QEMU_DISK, digest: `sha256:${disk.sha256}`, size: disk.size, annotations: { "org.opencontainers.image.title": disk.name, ...annotations } }],
      annotations: {
        ...annotations,
        "org.opencontainers.image.title": disk.name,
        "org.opencontainers.image.version": plan.version,
        "org.opencontainers.image.created": plan.release.built_at,
        "org.opencontainers.image.source": sourceUrl,
        ...(plan.release.source?.commit ? { "org.opencontainers.image.revision": plan.release.source.commit } : {}),
      },
    },
    OCI_MANIFEST,
    QEMU_DISK,
  );
}

export function sbomManifest(plan: ReleasePlan, sbom: LocalFile, subject: Descriptor): Built {
  return built(
    {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: CYCLONEDX,
      config: EMPTY_CONFIG,
      layers: [{ mediaType: CYCLONEDX, digest: `sha256:${sbom.sha256}`, size: sbom.size, annotations: { "org.opencontainers.image.title": sbom.name } }],
      subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
      annotations: { "org.opencontainers.image.created": plan.release.built_at },
    },
    OCI_MANIFEST,
    CYCLONEDX,
  );
}

/** Fallback tag of the referrers tag schema (registries without the referrers API): sha256-<hex>. */
export function referrersTag(digest: string): string {
  return digest.replace(":", "-");
}

/**
 * The referrers index with `entry` added; undefined when it is already there (nothing to write).
 * Unknown existing entries are kept: other tools may have attached signatures or attestations.
 */
export function withReferrer(existing: Buffer | undefined, entry: Descriptor & { annotations?: Record<string, string> }): Built | undefined {
  const index = existing ? (JSON.parse(existing.toString("utf8")) as { manifests?: Descriptor[] }) : undefined;
  const manifests = index?.manifests ?? [];
  if (manifests.some((m) => m.digest === entry.digest)) return undefined;
  return built({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [...manifests, entry] }, OCI_INDEX);
}

/** Orders versions YYYYMMDD[.N] (a floating tag never moves back to an older build). */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => v.split(".").map((x) => Number(x));
  const [pa, pb] = [parse(a), parse(b)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
