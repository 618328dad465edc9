// What a release publishes, checked on this machine before anything goes out: every file the build
// record names (disk images, SBOM, package manifest, scan report) is found in an --artifacts folder and
// has the size and SHA-512 the record declares. A mismatch stops the run before the first upload.
import { existsSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import type { DiskFormat, ImageSpec, ReleaseRecord } from "../model/types.js";
import type { Loaded, Repository } from "../repo/load.js";
import { InvalidInputError, type Diagnostic } from "../util/diagnostic.js";
import { digestFile } from "../util/digest.js";

export type Role = "disk" | "sbom" | "packages" | "report";

export interface LocalFile {
  role: Role;
  /** Name in the appliance repository (the build's file name). */
  name: string;
  path: string;
  sha256: string;
  sha512: string;
  size: number;
  mediaType: string;
  format?: DiskFormat;
}

export interface ReleasePlan {
  appliance: string;
  version: string;
  /** Repository-relative path of the build record. */
  file: string;
  release: ReleaseRecord;
  image: ImageSpec;
  files: LocalFile[];
}

export const MEDIA_TYPES: Record<string, string> = {
  qcow2: "application/x-qemu-disk",
  raw: "application/octet-stream",
  vmdk: "application/x-vmdk",
  ova: "application/x-virtualbox-ova",
  sbom: "application/vnd.cyclonedx+json",
  packages: "text/tab-separated-values",
  report: "application/json",
};

/** The build record `releaseFile` (a path inside the repository) and its image, from a loaded repository. */
export function findRelease(repo: Repository, loadDiagnostics: Diagnostic[], releaseFile: string): { release: Loaded<ReleaseRecord>; image: Loaded<ImageSpec> } {
  const rel = relative(repo.root, resolve(repo.root, releaseFile)).split(sep).join("/");
  const own = loadDiagnostics.filter((d) => d.file === rel);
  if (own.length > 0) throw new InvalidInputError(own);
  for (const versions of repo.releases.values()) {
    for (const r of versions.values()) {
      if (r.file !== rel) continue;
      const image = repo.images.get(r.data.appliance);
      if (!image) {
        const imgDiags = loadDiagnostics.filter((d) => d.file === `images/${r.data.appliance}/image.yaml`);
        throw new InvalidInputError(imgDiags.length > 0 ? imgDiags : [{ file: rel, ...r.yaml.locate("/appliance"), field: "/appliance", message: `no valid images/${r.data.appliance}/image.yaml for this release`, rule: "publish.image" }]);
      }
      return { release: r, image };
    }
  }
  throw new InvalidInputError([{ file: rel, line: 0, column: 0, field: "", message: "not a build record of this repository (expected images/<appliance>/releases/<version>.yaml)", rule: "publish.release" }]);
}

/** Locates and hashes every file of a release; all problems are reported together. */
export async function planRelease(release: Loaded<ReleaseRecord>, image: Loaded<ImageSpec>, artifactDirs: string[]): Promise<ReleasePlan> {
  const r = release.data;
  const wanted: { role: Role; name: string; sha512: string; size?: number; field: string; format?: DiskFormat }[] = [
    ...r.artifacts.map((a, i) => ({ role: "disk" as const, name: a.file, sha512: a.sha512, size: a.size, field: `/artifacts/${i}`, format: a.format })),
    { role: "sbom", name: r.sbom.file, sha512: r.sbom.sha512, field: "/sbom" },
    { role: "packages", name: r.packages.manifest, sha512: r.packages.sha512, field: "/packages" },
    ...(r.scan?.report && r.scan.report_sha512 ? [{ role: "report" as const, name: r.scan.report, sha512: r.scan.report_sha512, field: "/scan" }] : []),
  ];
  const problems: Diagnostic[] = [];
  const files: LocalFile[] = [];
  const at = (field: string, message: string, rule: string) => problems.push({ file: release.file, ...release.yaml.locate(field), field, message, rule });
  for (const w of wanted) {
    const path = artifactDirs.map((d) => join(d, w.name)).find((p) => existsSync(p) && statSync(p).isFile());
    if (!path) {
      at(w.field, `${w.name} not found in ${artifactDirs.join(", ") || "(no --artifacts folder)"}`, "publish.missing");
      continue;
    }
    const d = await digestFile(path);
    if (w.size !== undefined && d.size !== w.size) at(`${w.field}/size`, `${path} has ${d.size} bytes, the build record says ${w.size}`, "publish.size");
    else if (d.sha512 !== w.sha512) at(`${w.field}${w.role === "report" ? "/report_sha512" : "/sha512"}`, `${path} has SHA-512 ${d.sha512.slice(0, 16)}…, the build record says ${w.sha512.slice(0, 16)}…`, "publish.digest");
    else files.push({ role: w.role, name: w.name, path, ...d, mediaType: MEDIA_TYPES[w.role === "disk" ? w.format! : w.role] ?? "application/octet-stream", ...(w.format ? { format: w.format } : {}) });
  }
  if (problems.length > 0) throw new InvalidInputError(problems);
  return { appliance: r.appliance, version: r.version, file: release.file, release: r, image: image.data, files };
}
