// The image file under scan: its format, sizes and digest, and a read-only mount of its root
// filesystem for the static checks. qcow2 is converted to a temporary raw file first (the kernel's
// nbd module is not always available); each partition goes on a read-only loop device and the one
// holding /etc/os-release is mounted read-only, without journal replay, nodev/nosuid/noexec.
// Everything is undone in `finally`, also when a check throws.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RefusedError } from "../util/diagnostic.js";

export interface ArtifactInfo {
  kind: "qcow2" | "raw";
  size: number;
  virtualSize: number;
}

/** Format and sizes from qemu-img; refuses qcow2 files with a backing file (it could be any host file). */
export function inspectArtifact(path: string): ArtifactInfo {
  const r = spawnSync("qemu-img", ["info", "--output=json", path], { encoding: "utf8" });
  if (r.status !== 0) throw new RefusedError(`${path}: qemu-img cannot read it: ${r.stderr.trim()}`);
  const info = JSON.parse(r.stdout) as { format: string; "virtual-size": number; "actual-size"?: number; "backing-filename"?: string; "data-file"?: string };
  if (info.format !== "qcow2" && info.format !== "raw") throw new RefusedError(`${path}: format ${info.format} is not supported (qcow2 or raw)`);
  if (info["backing-filename"] || info["data-file"]) throw new RefusedError(`${path}: qcow2 images with a backing or external data file are refused`);
  return { kind: info.format, size: statSync(path).size, virtualSize: info["virtual-size"] };
}

const MOUNT_OPTIONS: Record<string, string> = {
  ext2: "ro,nodev,nosuid,noexec",
  ext3: "ro,noload,nodev,nosuid,noexec",
  ext4: "ro,noload,nodev,nosuid,noexec",
  xfs: "ro,norecovery,nouuid,nodev,nosuid,noexec",
  btrfs: "ro,nodev,nosuid,noexec",
};

/** Mounts the image's root filesystem read-only, runs `fn` on the mount point, and cleans up. */
export async function withMountedRoot<T>(path: string, info: ArtifactInfo, fn: (rootfs: string) => Promise<T>, progress: (l: string) => void = () => {}): Promise<T> {
  const work = mkdtempSync(join(tmpdir(), "vmendorse-mount-"));
  const mnt = join(work, "root");
  mkdirSync(mnt);
  let loop: string | undefined;
  let mounted = false;
  // Also undone when the process exits early (e.g. on a signal turned into process.exit).
  const undo = () => {
    if (mounted) spawnSync("umount", [mnt]);
    mounted = false;
    if (loop) spawnSync("losetup", ["-d", loop]);
    loop = undefined;
    rmSync(work, { recursive: true, force: true });
  };
  process.on("exit", undo);
  try {
    let raw = path;
    if (info.kind === "qcow2") {
      raw = join(work, "disk.raw");
      progress(`converting ${path} to raw`);
      execFileSync("qemu-img", ["convert", "-f", "qcow2", "-O", "raw", path, raw], { stdio: ["ignore", "ignore", "pipe"] });
    }
    const parts = partitions(raw);
    for (const p of parts) {
      // One read-only loop device per partition (offset + size limit): this works also where the
      // kernel does not scan loop devices for partitions.
      loop = execFileSync("losetup", ["--read-only", "--find", "--show", "--offset", String(p.offset), "--sizelimit", String(p.size), raw], { encoding: "utf8" }).trim();
      const type = spawnSync("blkid", ["-p", "-o", "value", "-s", "TYPE", loop], { encoding: "utf8" }).stdout.trim();
      const opts = MOUNT_OPTIONS[type];
      if (opts && spawnSync("mount", ["-t", type, "-o", opts, loop, mnt]).status === 0) {
        mounted = true;
        if (existsSync(join(mnt, "etc", "os-release")) || existsSync(join(mnt, "usr", "lib", "os-release"))) {
          progress(`mounted partition ${p.label} (${type}) read-only`);
          return await fn(mnt);
        }
        spawnSync("umount", [mnt]);
        mounted = false;
      }
      spawnSync("losetup", ["-d", loop]);
      loop = undefined;
    }
    throw new RefusedError(`${path}: no partition holds a root filesystem with /etc/os-release (looked at ${parts.map((p) => p.label).join(", ")})`);
  } finally {
    process.removeListener("exit", undo);
    undo();
  }
}

/** Byte ranges of the partitions of a raw disk image (sfdisk), or the whole file without a table. */
export function partitions(raw: string): { label: string; offset: number; size: number }[] {
  const r = spawnSync("sfdisk", ["--json", raw], { encoding: "utf8" });
  if (r.status !== 0) return [{ label: "whole disk", offset: 0, size: statSync(raw).size }];
  const t = (JSON.parse(r.stdout) as { partitiontable: { sectorsize?: number; partitions?: { start: number; size: number }[] } }).partitiontable;
  const sector = t.sectorsize ?? 512;
  return (t.partitions ?? []).map((p, i) => ({ label: `#${i + 1}`, offset: p.start * sector, size: p.size * sector }));
}
