// From a built disk to the published formats: a compressed qcow2, and an OVA (OVF 1.0 descriptor,
// SHA256 manifest and streamOptimized VMDK, in that order in a ustar archive, as OVF requires).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ImageSpec } from "../model/types.js";
import { runOk } from "../vm/process.js";
import { imageInfo } from "../vm/boot.js";
import { digestFile } from "../util/digest.js";
import { ovfDescriptor, ovfManifest } from "./ovf.js";

export interface ArtifactFiles {
  qcow2?: { file: string; path: string; virtualSize: number };
  ova?: { file: string; path: string; members: string[] };
}

export interface ArtifactOptions {
  spec: ImageSpec;
  version: string;
  /** <os>-<osversion>-<version>, the base name of every output file. */
  name: string;
  disk: string;
  diskFormat: "raw" | "qcow2";
  /** Where the finished files go (the staging out folder). */
  out: string;
  /** Scratch folder for the OVA's members. */
  work: string;
  /** Seconds since the epoch stamped on the OVA's members (the build time). */
  mtime: number;
  progress: (line: string) => void;
}

/** qemu-img -p prints "(42.00/100%)"; report each tenth once. */
function percentReporter(label: string, progress: (l: string) => void): (line: string) => void {
  let last = -1;
  return (line) => {
    const m = /\((\d+(?:\.\d+)?)\/100%\)/.exec(line);
    if (!m) return;
    const tenth = Math.floor(Number(m[1]) / 10);
    if (tenth > last) {
      last = tenth;
      progress(`  ${label}: ${tenth * 10}%`);
    }
  };
}

export async function makeArtifacts(o: ArtifactOptions): Promise<ArtifactFiles> {
  const formats = new Set(o.spec.formats);
  const info = await imageInfo(o.disk);
  const result: ArtifactFiles = {};
  const jobs: Promise<void>[] = [];
  const vmdkFile = `${o.name}-disk1.vmdk`;
  const vmdk = join(o.work, vmdkFile);

  if (formats.has("qcow2")) {
    const file = `${o.name}.qcow2`;
    const path = join(o.out, file);
    o.progress(`converting to ${file} (compressed qcow2)`);
    jobs.push(runOk("qemu-img", ["convert", "-p", "-f", o.diskFormat, "-O", "qcow2", "-c", "-o", "compat=1.1", o.disk, path], {
      timeoutMs: 60 * 60_000, onLine: percentReporter("qcow2", o.progress),
    }).then(() => {
      result.qcow2 = { file, path, virtualSize: info["virtual-size"] };
    }));
  }
  if (formats.has("ova")) {
    o.progress(`converting to ${vmdkFile} (streamOptimized VMDK for the OVA)`);
    jobs.push(runOk("qemu-img", ["convert", "-p", "-f", o.diskFormat, "-O", "vmdk", "-o", "subformat=streamOptimized", o.disk, vmdk], {
      timeoutMs: 60 * 60_000, onLine: percentReporter("vmdk", o.progress),
    }).then(() => undefined));
  }
  // The two conversions are independent: run them side by side.
  await Promise.all(jobs);

  if (formats.has("ova")) {
    const vmdkDigest = await digestFile(vmdk);
    const ovfFile = `${o.name}.ovf`;
    const mfFile = `${o.name}.mf`;
    const ovf = ovfDescriptor({ spec: o.spec, version: o.version, name: o.name, diskFile: vmdkFile, diskFileSize: vmdkDigest.size, capacity: info["virtual-size"] });
    writeFileSync(join(o.work, ovfFile), ovf);
    const ovfDigest = await digestFile(join(o.work, ovfFile));
    writeFileSync(join(o.work, mfFile), ovfManifest([{ file: ovfFile, sha256: ovfDigest.sha256 }, { file: vmdkFile, sha256: vmdkDigest.sha256 }]));
    const file = `${o.name}.ova`;
    const path = join(o.out, file);
    const members = [ovfFile, mfFile, vmdkFile];
    o.progress(`packing ${file}: ${members.join(", ")}`);
    await runOk("tar", ["--format=ustar", "--owner=0", "--group=0", "--numeric-owner", "--mode=0644", `--mtime=@${o.mtime}`,
      "-cf", path, "-C", o.work, ...members], { timeoutMs: 30 * 60_000 });
    result.ova = { file, path, members };
  }
  return result;
}
