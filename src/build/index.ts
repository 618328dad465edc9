// `vmendorse build`: builds an appliance from images/<appliance>/image.yaml with its builder, makes the
// published files (qcow2, OVA, package manifest, CycloneDX SBOM) in a staging folder beside the output
// folder, writes the build record, and only then moves the files into the output folder.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { arch as hostArch } from "node:os";
import { join, relative } from "node:path";
import type { ImageSpec, ReleaseRecord } from "../model/types.js";
import { loadRepository } from "../repo/load.js";
import { artifactName, imageFile, releaseFile } from "../repo/layout.js";
import { InvalidInputError, RefusedError, UsageError } from "../util/diagnostic.js";
import { writeFileAtomic, toJsonText } from "../util/fs.js";
import { isoSeconds, yyyymmdd } from "../util/time.js";
import { validateData } from "../schema/validator.js";
import { validateRepository } from "../validate/index.js";
import { makeArtifacts } from "./artifacts.js";
import { buildDebianDisk } from "./debian/image.js";
import { buildWithPacker } from "./packer.js";
import { digestFile, sha512Text } from "../util/digest.js";
import { packageManifest, type InstalledPackage } from "./packages.js";
import { ciRunUri, releaseRecord, releaseRecordText } from "./record.js";
import { CYCLONEDX_SPEC_VERSION, cycloneDx } from "./sbom.js";
import { commitStaging, createStaging, removeStaging, type Staging } from "./staging.js";
import { missingTools, toolVersion, type ToolName } from "./tools.js";
import { onInterrupt } from "../vm/process.js";

export const VMENDORSE_VERSION = "0.1.0";
/** The seed procedure: "Size of the image should be as small as possible (recommended below 1.5GB)". */
export const RECOMMENDED_MAX_MB = 1536;

export interface BuildRequest {
  root: string;
  appliance: string;
  outDir: string;
  version?: string;
  /** Build start (ms); the version date and built_at come from it. */
  now?: number;
  debCache?: string;
  env?: NodeJS.ProcessEnv;
  progress: (line: string) => void;
}

export interface BuiltFile {
  kind: "qcow2" | "ova" | "packages" | "sbom";
  file: string;
  path: string;
  size: number;
}

export interface BuildResult {
  record: ReleaseRecord;
  recordFile: string;
  files: BuiltFile[];
  durationS: number;
  packages: InstalledPackage[];
  /** Largest image artifact against the size recommendation. */
  size: { largestMb: number; limitMb: number; ok: boolean };
}

/** Validates --version: YYYYMMDD or YYYYMMDD.N of the build day (UTC). */
export function resolveVersion(requested: string | undefined, now: number): string {
  const today = yyyymmdd(now);
  if (requested === undefined) return today;
  if (!/^[0-9]{8}(\.[0-9]{1,3})?$/.test(requested)) throw new UsageError(`--version "${requested}" is not YYYYMMDD or YYYYMMDD.N`);
  if (requested.slice(0, 8) !== today) throw new UsageError(`--version ${requested} must start with the build date ${today} (the version is the date of creation)`);
  return requested;
}

function loadImage(root: string, appliance: string): { spec: ImageSpec; appliancesUri: string } {
  if (!/^(?!.*\.\.)[a-z0-9][a-z0-9.-]{0,62}[a-z0-9]$/.test(appliance)) throw new UsageError(`"${appliance}" is not an appliance id`);
  const { repo, diagnostics } = loadRepository(root);
  const file = imageFile(appliance).split("\\").join("/");
  const img = repo.images.get(appliance);
  if (!img) {
    const own = diagnostics.filter((d) => d.file === file);
    if (own.length > 0) throw new InvalidInputError(own);
    throw new RefusedError(`unknown appliance "${appliance}": no ${file} (known: ${[...repo.images.keys()].join(", ") || "none"})`);
  }
  if (!repo.config) throw new InvalidInputError(diagnostics.filter((d) => d.file === "vmendorse.yaml"));
  return { spec: img.data, appliancesUri: repo.config.data.repository.appliances };
}

function gitHead(root: string): string | undefined {
  try {
    const out = execFileSync("git", ["-C", root, "rev-parse", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    return /^[0-9a-f]{40}$/.test(out) ? out : undefined;
  } catch {
    return undefined;
  }
}

function hostDescription(env: NodeJS.ProcessEnv): string {
  let os = "Linux";
  try {
    os = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(readFileSync("/etc/os-release", "utf8"))?.[1] ?? os;
  } catch {
    // not Linux, or no os-release: keep the generic name
  }
  const arch = hostArch() === "x64" ? "x86_64" : hostArch() === "arm64" ? "aarch64" : hostArch();
  return `${os}, ${arch}${env.GITHUB_ACTIONS === "true" ? ", GitHub Actions runner" : ""}`.slice(0, 200);
}

export async function buildAppliance(req: BuildRequest): Promise<BuildResult> {
  const env = req.env ?? process.env;
  const started = req.now ?? Date.now();
  const { spec, appliancesUri } = loadImage(req.root, req.appliance);
  const version = resolveVersion(req.version, started);
  const recordRel = releaseFile(spec.id, version).split("\\").join("/");
  const recordAbs = join(req.root, recordRel);
  if (existsSync(recordAbs)) throw new RefusedError(`${recordRel} exists: a version is built once (use --version ${version.slice(0, 8)}.1 for another build today)`);
  const name = artifactName(spec.os.distribution, spec.os.version, version, "x").replace(/\.x$/, "");
  const outNames = [...spec.formats.map((f) => `${name}.${f}`), `${name}.packages.tsv`, `${name}.cdx.json`];
  const clash = outNames.filter((n) => existsSync(join(req.outDir, n)));
  if (clash.length > 0) throw new RefusedError(`${req.outDir} already has ${clash.join(", ")}`);

  const builderTools: ToolName[] = spec.builder.type === "mmdebstrap" ? ["mmdebstrap", "e2fsprogs", "sfdisk"] : ["packer"];
  const needed: ToolName[] = [...builderTools, "qemu-img", "tar"];
  const missing = missingTools(needed);
  if (missing.length > 0) {
    throw new RefusedError(`missing tools: ${missing.map((m) => `${m.name} (Debian package ${m.debianPackage})`).join(", ")}${spec.builder.type === "packer" ? "; the packer builder runs on a runner with packer and KVM (docs/building.md)" : ""}`);
  }
  if (spec.builder.type === "mmdebstrap" && process.getuid?.() !== 0) {
    throw new RefusedError("the mmdebstrap builder needs root (it runs mmdebstrap in root mode, chroot and mkfs with file ownership)");
  }
  const tools: Record<string, string> = { vmendorse: VMENDORSE_VERSION, node: process.version };
  for (const t of needed) {
    const v = toolVersion(t);
    if (v) tools[t] = v;
  }

  req.progress(`building ${spec.id} ${version} with ${spec.builder.type} into ${req.outDir}`);
  const staging: Staging = createStaging(req.outDir);
  let recordWritten = false;
  // Interrupted (Ctrl-C, CI cancel): the tools are killed and the half-done work removed.
  const unregister = onInterrupt(() => {
    if (recordWritten) rmSync(recordAbs, { force: true });
    removeStaging(staging.dir);
  });
  try {
    // 1. The disk and its package list, from the appliance's builder.
    let disk: { path: string; format: "raw" | "qcow2"; packages: InstalledPackage[] };
    if (spec.builder.type === "mmdebstrap") {
      const d = await buildDebianDisk({ spec, builder: spec.builder, work: staging.work, progress: req.progress, ...(req.debCache ? { debCache: req.debCache } : {}) });
      disk = { path: d.raw, format: "raw", packages: d.packages };
      const grub = d.packages.find((p) => p.name === "grub-pc-bin");
      if (grub) tools.grub = `${grub.version} (grub-pc-bin, from the image)`;
      tools.kernel = d.kernelVersion;
    } else {
      const imageDir = join(req.root, "images", spec.id);
      const p = await buildWithPacker({ spec, builder: spec.builder, imageDir, work: staging.work, version, progress: req.progress });
      disk = { path: p.disk, format: "qcow2", packages: p.packages };
    }
    if (disk.packages.length === 0) throw new Error("the image has no packages listed: the package database was not read");

    // 2. Published formats.
    const built = await makeArtifacts({ spec, version, name, disk: disk.path, diskFormat: disk.format, out: staging.out, work: staging.work, mtime: Math.floor(started / 1000), progress: req.progress });

    // 3. Package manifest and SBOM.
    const builtAt = isoSeconds(started);
    const manifestFile = `${name}.packages.tsv`;
    const manifestText = packageManifest(disk.packages);
    writeFileSync(join(staging.out, manifestFile), manifestText);
    const sbomFile = `${name}.cdx.json`;
    const sbomText = toJsonText(cycloneDx({ spec, version, builtAt, packages: disk.packages, tools }));
    writeFileSync(join(staging.out, sbomFile), sbomText);

    // 4. Digests and the build record.
    req.progress("computing digests");
    const artifacts: ReleaseRecord["artifacts"] = [];
    const files: BuiltFile[] = [];
    for (const [format, a] of [["qcow2", built.qcow2], ["ova", built.ova]] as const) {
      if (!a) continue;
      const d = await digestFile(a.path);
      artifacts.push({ format, file: a.file, uri: "", size: d.size, ...(format === "qcow2" && built.qcow2 ? { virtual_size: built.qcow2.virtualSize } : {}), sha512: d.sha512, sha256: d.sha256 });
      files.push({ kind: format, file: a.file, path: join(req.outDir, a.file), size: d.size });
    }
    files.push({ kind: "packages", file: manifestFile, path: join(req.outDir, manifestFile), size: Buffer.byteLength(manifestText) });
    files.push({ kind: "sbom", file: sbomFile, path: join(req.outDir, sbomFile), size: Buffer.byteLength(sbomText) });
    const durationS = Math.round((Date.now() - started) / 1000);
    const commit = gitHead(req.root);
    const run = ciRunUri(env);
    const record = releaseRecord({
      appliance: spec.id,
      version,
      builtAt,
      ...(commit || run ? { source: { ...(commit ? { commit } : {}), ...(run ? { run } : {}) } } : {}),
      builder: { type: spec.builder.type, host: hostDescription(env), duration_s: durationS, tools },
      appliancesUri,
      artifacts,
      packages: { count: disk.packages.length, manifest: manifestFile, sha512: sha512Text(manifestText) },
      sbom: { file: sbomFile, sha512: sha512Text(sbomText), specVersion: CYCLONEDX_SPEC_VERSION },
    });
    const schemaProblems = validateData("release.schema.json", record, recordRel);
    if (schemaProblems.length > 0) throw new InvalidInputError(schemaProblems, "internal error: the build record does not match schemas/release.schema.json");
    writeFileAtomic(recordAbs, releaseRecordText(record));
    recordWritten = true;
    const problems = validateRepository(req.root, Date.now()).diagnostics.filter((d) => d.file === recordRel);
    if (problems.length > 0) throw new InvalidInputError(problems, `the build record ${recordRel} does not validate`);

    // 5. Only now do the files appear in the output folder.
    commitStaging(staging, req.outDir);
    const imageSizes = files.filter((f) => f.kind === "qcow2" || f.kind === "ova").map((f) => f.size);
    const largestMb = Math.max(0, ...imageSizes) / 1024 ** 2;
    const limitMb = spec.scan?.max_size_mb ?? RECOMMENDED_MAX_MB;
    return { record, recordFile: recordRel, files, durationS, packages: disk.packages, size: { largestMb, limitMb, ok: largestMb <= limitMb } };
  } catch (e) {
    if (recordWritten) rmSync(recordAbs, { force: true });
    throw e;
  } finally {
    unregister();
    const r = removeStaging(staging.dir);
    if (!r.ok) req.progress(`warning: ${r.message}`);
  }
}

/** Human summary lines of a build (sizes against the recommendation, where things went). */
export function buildSummary(r: BuildResult, root: string): string[] {
  const mib = (n: number) => `${(n / 1024 ** 2).toFixed(1)} MiB`;
  const lines = [`built ${r.record.appliance} ${r.record.version} in ${Math.floor(r.durationS / 60)} min ${r.durationS % 60} s (${r.record.builder.type})`];
  for (const f of r.files) {
    const extra = f.kind === "qcow2" ? `virtual disk ${((r.record.artifacts.find((a) => a.format === "qcow2")?.virtual_size ?? 0) / 1024 ** 3).toFixed(1)} GiB`
      : f.kind === "packages" ? `${r.packages.length} packages` : f.kind === "sbom" ? `CycloneDX ${CYCLONEDX_SPEC_VERSION}` : "";
    lines.push(`  ${f.file.padEnd(34)} ${mib(f.size).padStart(12)}${extra ? `  (${extra})` : ""}`);
  }
  lines.push(`  size: largest image ${r.size.largestMb.toFixed(1)} MiB; recommended below 1.5 GB (limit ${r.size.limitMb} MiB): ${r.size.ok ? "ok" : "TOO LARGE"}`);
  lines.push(`  build record: ${relative(root, join(root, r.recordFile)) || r.recordFile}`);
  return lines;
}
