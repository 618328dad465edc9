// Pushes a release's qcow2 disk(s) and SBOM to an OCI registry, then tags. Order: blobs (each read
// back and re-hashed after upload), the manifest by digest (read back), the SBOM referrer, and only
// then the tags — until a tag moves, nothing new is visible to a registry sync. Every step first looks
// whether the registry already has it, so a rerun after a crash uploads only what is missing.
import { createReadStream } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { RefusedError } from "../../util/diagnostic.js";
import type { LocalFile, ReleasePlan } from "../plan.js";
import { record, retrying, type PublishContext } from "../context.js";
import { describeTarget, type Target } from "../targets.js";
import { OciClient, type Descriptor } from "./client.js";
import { compareVersions, diskManifest, EMPTY_CONFIG, EMPTY_CONFIG_BYTES, referrersTag, sbomManifest, tagsFor, withReferrer, type Built, CYCLONEDX } from "./artifact.js";
import { digestBuffer } from "../../util/digest.js";
import type { Body } from "../http.js";

export interface OciPushed {
  repository: string;
  disk: string;
  manifestDigest: string;
  sbomDigest?: string;
  tags: string[];
}

type OciTarget = Extract<Target, { kind: "oci" }>;

export function ociRepository(target: OciTarget, appliance: string): string {
  return `${target.namespace}/${appliance}`;
}

export async function publishReleaseToOci(plan: ReleasePlan, target: OciTarget, sourceUrl: string, ctx: PublishContext): Promise<OciPushed[]> {
  const disks = plan.files.filter((f) => f.role === "disk" && f.format === "qcow2");
  const where = describeTarget(target);
  if (disks.length === 0) {
    record(ctx, { target: where, item: `${plan.appliance} ${plan.version}`, action: "skipped", detail: "no qcow2 artifact; the registry takes qcow2 disks only" });
    return [];
  }
  const name = ociRepository(target, plan.appliance);
  const client = new OciClient(`${target.scheme}://${target.registry}`, name, {
    ...(ctx.env.OCI_USERNAME ? { username: ctx.env.OCI_USERNAME, password: ctx.env.OCI_PASSWORD ?? "" } : {}),
  });
  const sbom = plan.files.find((f) => f.role === "sbom");
  const out: OciPushed[] = [];
  for (const disk of disks) {
    await ensureBlob(client, ctx, where, "OCI config {}", { digest: EMPTY_CONFIG.digest, body: EMPTY_CONFIG_BYTES, ...digestBuffer(EMPTY_CONFIG_BYTES) });
    await ensureBlob(client, ctx, where, disk.name, fileBlob(disk));
    const manifest = diskManifest(plan, disk, sourceUrl);
    await ensureManifest(client, ctx, where, `${name}@${manifest.digest.slice(0, 19)}`, manifest);

    let sbomDigest: string | undefined;
    if (sbom) {
      await ensureBlob(client, ctx, where, sbom.name, fileBlob(sbom));
      const sm = sbomManifest(plan, sbom, manifest.descriptor);
      const subjectSupported = await ensureManifest(client, ctx, where, `${sbom.name} (referrer of ${disk.name})`, sm);
      await ensureReferrer(client, ctx, where, manifest.digest, { ...sm.descriptor, artifactType: CYCLONEDX, annotations: { "org.opencontainers.image.created": plan.release.built_at } }, subjectSupported);
      sbomDigest = sm.digest;
    }

    // Promotion: tags last. The dated tag is immutable; the floating tag only moves forward.
    const { dated, floating } = tagsFor(plan, disk);
    const tags: string[] = [];
    const current = await retrying(ctx, `GET ${name}:${dated}`, () => client.getManifest(dated));
    if (current && current.digest !== manifest.digest) {
      throw new RefusedError(`${name}:${dated} already points to ${current.digest}, not to this build's ${manifest.digest}; published tags are immutable — build a new version`, "publish.oci.tag");
    }
    if (current) record(ctx, { target: where, item: `${name}:${dated}`, action: "present" });
    else {
      await retrying(ctx, `tag ${name}:${dated}`, () => client.putManifest(dated, manifest.bytes, manifest.descriptor.mediaType));
      record(ctx, { target: where, item: `${name}:${dated}`, action: "tagged", detail: manifest.digest.slice(0, 19) });
    }
    tags.push(dated);

    const floatingNow = await retrying(ctx, `GET ${name}:${floating}`, () => client.getManifest(floating));
    const floatingVersion = floatingNow ? manifestVersion(floatingNow.bytes) : undefined;
    if (floatingNow?.digest === manifest.digest) {
      record(ctx, { target: where, item: `${name}:${floating}`, action: "present" });
      tags.push(floating);
    } else if (floatingVersion && compareVersions(floatingVersion, plan.version) > 0) {
      record(ctx, { target: where, item: `${name}:${floating}`, action: "skipped", detail: `stays on the newer version ${floatingVersion}` });
    } else {
      await retrying(ctx, `tag ${name}:${floating}`, () => client.putManifest(floating, manifest.bytes, manifest.descriptor.mediaType));
      record(ctx, { target: where, item: `${name}:${floating}`, action: "tagged", detail: manifest.digest.slice(0, 19) });
      tags.push(floating);
    }
    out.push({ repository: name, disk: disk.name, manifestDigest: manifest.digest, ...(sbomDigest ? { sbomDigest } : {}), tags });
  }
  return out;
}

interface Blob {
  digest: string;
  size: number;
  sha256: string;
  sha512: string;
  body: Body;
}

function fileBlob(f: LocalFile): Blob {
  return { digest: `sha256:${f.sha256}`, size: f.size, sha256: f.sha256, sha512: f.sha512, body: { length: f.size, open: () => createReadStream(f.path, { highWaterMark: 1024 * 1024 }) } };
}

async function ensureBlob(client: OciClient, ctx: PublishContext, where: string, label: string, blob: Blob): Promise<void> {
  const have = await retrying(ctx, `HEAD ${label}`, () => client.blobSize(blob.digest));
  if (have === blob.size) {
    record(ctx, { target: where, item: label, action: "present", detail: blob.digest.slice(0, 19) });
    return;
  }
  await retrying(ctx, `upload ${label}`, () => client.uploadBlob(blob.digest, blob.body));
  // Read back: the registry must serve exactly the bytes we hold.
  const back = await retrying(ctx, `read back ${label}`, () => client.blobDigests(blob.digest));
  if (back.sha256 !== blob.sha256 || back.sha512 !== blob.sha512 || back.size !== blob.size) {
    throw new RefusedError(`${where}: ${label} read back as ${back.size} bytes sha256:${back.sha256.slice(0, 12)}…, expected ${blob.size} bytes ${blob.digest.slice(0, 19)}…`, "publish.readback");
  }
  record(ctx, { target: where, item: label, action: "uploaded", detail: `${blob.size} bytes, ${blob.digest.slice(0, 19)}, read back` });
}

/** PUTs a manifest by digest unless present, then reads it back; returns whether the registry handles `subject`. */
async function ensureManifest(client: OciClient, ctx: PublishContext, where: string, label: string, m: Built): Promise<boolean> {
  const existing = await retrying(ctx, `GET ${label}`, () => client.getManifest(m.digest));
  let subjectSupported = false;
  if (existing && existing.bytes.equals(m.bytes)) {
    record(ctx, { target: where, item: label, action: "present" });
    return false;
  }
  const put = await retrying(ctx, `PUT ${label}`, () => client.putManifest(m.digest, m.bytes, m.descriptor.mediaType));
  subjectSupported = put.subjectSupported;
  const back = await retrying(ctx, `read back ${label}`, () => client.getManifest(m.digest));
  if (!back || !back.bytes.equals(m.bytes) || !isDeepStrictEqual(JSON.parse(back.bytes.toString("utf8")), JSON.parse(m.bytes.toString("utf8")))) {
    throw new RefusedError(`${where}: manifest ${m.digest} did not read back as written`, "publish.readback");
  }
  record(ctx, { target: where, item: label, action: "uploaded", detail: `${m.digest.slice(0, 19)}, read back` });
  return subjectSupported;
}

/** Makes the SBOM discoverable from the disk manifest: the referrers API if the registry has one, else the fallback tag. */
async function ensureReferrer(client: OciClient, ctx: PublishContext, where: string, subject: string, entry: Descriptor, subjectSupported: boolean): Promise<void> {
  if (subjectSupported) return;
  const listed = await retrying(ctx, `referrers of ${subject.slice(0, 19)}`, () => client.referrers(subject));
  if (listed !== undefined) {
    if (!listed.some((d) => d.digest === entry.digest)) throw new RefusedError(`${where}: the registry's referrers API does not list ${entry.digest} for ${subject}`, "publish.referrer");
    return;
  }
  const tag = referrersTag(subject);
  const current = await retrying(ctx, `GET ${tag}`, () => client.getManifest(tag));
  const next = withReferrer(current?.bytes, entry);
  if (!next) {
    record(ctx, { target: where, item: `referrers tag ${tag.slice(0, 19)}`, action: "present" });
    return;
  }
  await retrying(ctx, `PUT ${tag}`, () => client.putManifest(tag, next.bytes, next.descriptor.mediaType));
  record(ctx, { target: where, item: `referrers tag ${tag.slice(0, 19)}`, action: "tagged", detail: `SBOM ${entry.digest.slice(0, 19)}` });
}

function manifestVersion(bytes: Buffer): string | undefined {
  try {
    return (JSON.parse(bytes.toString("utf8")) as { annotations?: Record<string, string> }).annotations?.["org.opencontainers.image.version"];
  } catch {
    return undefined;
  }
}
