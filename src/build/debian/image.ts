// The Debian image builder: mmdebstrap makes the root file system, the build host configures it
// (files.ts), installs GRUB's files, lists the packages, removes what must not ship (cleanup.ts), and
// writes it into a bootable raw disk (disk.ts). Needs root (chroot, file ownership), no KVM.
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { randomUUID } from "node:crypto";
import type { ImageSpec, MmdebstrapBuilder } from "../../model/types.js";
import { runOk } from "../../vm/process.js";
import { cleanRootfs, residue } from "../cleanup.js";
import { assembleDisk } from "../disk.js";
import { DPKG_QUERY_FORMAT, parseDpkgQuery, type InstalledPackage } from "../packages.js";
import { mountsBelow } from "../staging.js";
import { configFiles, grubConfig, grubEarlyConfig } from "./files.js";
import { imagePackages, mmdebstrapArgs, PENDING_UPGRADES_FILE } from "./mmdebstrap.js";

export interface DebianBuildOptions {
  spec: ImageSpec;
  builder: MmdebstrapBuilder;
  /** Scratch folder (gets rootfs/ and disk.raw). */
  work: string;
  debCache?: string;
  progress: (line: string) => void;
}

export interface DebianBuildResult {
  raw: string;
  sizeGb: number;
  packages: InstalledPackage[];
  kernelVersion: string;
  rootUuid: string;
  removed: string[];
}

const GRUB_CORE_MODULES = ["biosdisk", "part_msdos", "ext2", "search_fs_uuid"];

export async function buildDebianDisk(o: DebianBuildOptions): Promise<DebianBuildResult> {
  const rootfs = join(o.work, "rootfs");
  const step = (s: string) => o.progress(s);

  step(`mmdebstrap: ${o.builder.suite} with ${imagePackages(o.builder).length} packages and their dependencies (from ${o.builder.mirror ?? "deb.debian.org"})`);
  if (o.debCache) mkdirSync(o.debCache, { recursive: true });
  let lastLine = Date.now();
  await runOk("mmdebstrap", mmdebstrapArgs(o.builder, { rootfs, ...(o.debCache ? { debCache: o.debCache } : {}) }), {
    timeoutMs: 60 * 60_000,
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive", LC_ALL: "C.UTF-8" },
    onLine: (line) => {
      // mmdebstrap's own "I:" lines say which phase it is in; apt's lines only when quiet for a while.
      if (line.startsWith("I: ") || line.startsWith("W: ") || line.startsWith("E: ") || Date.now() - lastLine > 30_000) {
        lastLine = Date.now();
        step(`  mmdebstrap: ${line.slice(0, 160)}`);
      }
    },
  });
  const leftMounts = mountsBelow(rootfs);
  if (leftMounts.length > 0) throw new Error(`mmdebstrap left mounts in the root file system: ${leftMounts.join(", ")}`);

  const pendingFile = join(rootfs, PENDING_UPGRADES_FILE);
  const pending = existsSync(pendingFile) ? readFileSync(pendingFile, "utf8").trim() : "";
  rmSync(pendingFile, { force: true });
  if (pending) throw new Error(`packages not at their newest version after the upgrade:\n${pending}`);
  step("all packages are at the newest version of bookworm, bookworm-updates and bookworm-security".replace(/bookworm/g, o.builder.suite));

  const kernels = readdirSync(join(rootfs, "boot")).filter((n) => n.startsWith("vmlinuz-")).map((n) => n.slice("vmlinuz-".length)).sort(compareVersions);
  const kernelVersion = kernels.at(-1);
  if (!kernelVersion) throw new Error("no kernel in /boot: image.yaml's packages need a linux-image-* package");
  if (!existsSync(join(rootfs, "boot", `initrd.img-${kernelVersion}`))) throw new Error(`no initrd for kernel ${kernelVersion}`);

  step(`configuring: cloud-init, sshd, firewall, boot loader (kernel ${kernelVersion})`);
  const rootUuid = randomUUID();
  const packageNames = imagePackages(o.builder);
  for (const [rel, f] of configFiles(o.spec, rootUuid, packageNames)) writeInside(rootfs, rel, f.content, f.mode);
  if (packageNames.includes("nftables")) await runOk("chroot", [rootfs, "systemctl", "enable", "--quiet", "nftables.service"], { timeoutMs: 60_000 });

  // GRUB for BIOS boot: modules in /boot/grub/i386-pc (as grub-install copies them), a core image
  // that finds the root file system by UUID, and the first grub.cfg.
  const grubDir = join(rootfs, "boot", "grub");
  const modules = join(grubDir, "i386-pc");
  mkdirSync(modules, { recursive: true });
  const libDir = join(rootfs, "usr", "lib", "grub", "i386-pc");
  for (const n of readdirSync(libDir)) if (/\.(mod|lst|img|o)$/.test(n) || n === "modinfo.sh") copyFileSync(join(libDir, n), join(modules, n));
  writeInside(rootfs, "boot/grub/early.cfg", grubEarlyConfig(rootUuid), 0o644);
  await runOk("chroot", [rootfs, "grub-mkimage", "-O", "i386-pc", "-o", "/boot/grub/i386-pc/core.img", "-c", "/boot/grub/early.cfg", "-p", "/boot/grub", ...GRUB_CORE_MODULES], { timeoutMs: 120_000 });
  await runOk("chroot", [rootfs, "grub-editenv", "/boot/grub/grubenv", "create"], { timeoutMs: 60_000 });
  writeInside(rootfs, "boot/grub/grub.cfg", grubConfig(rootUuid, kernelVersion, o.spec.title), 0o444);

  const q = await runOk("chroot", [rootfs, "dpkg-query", "-W", "-f", DPKG_QUERY_FORMAT], { timeoutMs: 120_000 });
  const packages = parseDpkgQuery(q.stdout);
  step(`${packages.length} packages installed`);

  const { removed } = cleanRootfs(rootfs);
  const left = residue(rootfs);
  if (left.length > 0) throw new Error(`could not remove from the image: ${left.join(", ")}`);
  step(`removed ${removed.length} files that must not ship (ssh host keys, logs, apt lists, histories, machine id)`);

  const sizeGb = o.builder.disk_size_gb ?? 4;
  const raw = join(o.work, "disk.raw");
  step(`writing a ${sizeGb} GiB disk: MBR partition, ext4 file system, GRUB`);
  await assembleDisk({ rootfs, raw, sizeGb, rootUuid, bootImg: join(libDir, "boot.img"), coreImg: join(modules, "core.img") });
  return { raw, sizeGb, packages, kernelVersion, rootUuid, removed };
}

/** Writes a file inside the root file system, refusing to follow a link that the image may contain. */
function writeInside(rootfs: string, rel: string, content: string, mode: number): void {
  const parts = rel.split("/");
  let cur = rootfs;
  for (const p of parts.slice(0, -1)) {
    cur = join(cur, p);
    if (isLink(cur)) throw new Error(`${rel}: /${parts.slice(0, parts.indexOf(p) + 1).join("/")} is a link in the image`);
  }
  const abs = join(rootfs, rel);
  mkdirSync(dirname(abs), { recursive: true });
  if (isLink(abs)) rmSync(abs);
  writeFileSync(abs, content);
  chmodSync(abs, mode);
}

function isLink(abs: string): boolean {
  try {
    return lstatSync(abs).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Orders kernel versions like 6.1.0-9 < 6.1.0-10 (numeric runs compared as numbers). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/(\d+)/);
  const pb = b.split(/(\d+)/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? "";
    const y = pb[i] ?? "";
    if (x === y) continue;
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) return nx - ny;
    return x < y ? -1 : 1;
  }
  return 0;
}
