// Assembles a bootable raw disk from a root file system without loop devices or mounts: an MBR
// partition table (sfdisk), the ext4 file system written straight into the partition's place in the
// file (mkfs.ext4 -d with an offset), and GRUB for BIOS boot placed the way grub-install embeds it:
// boot.img's code in the MBR, core.img in the gap before the first partition (sector 1 onwards;
// grub-mkimage has already written core.img's own length into its first sector's block list).
import { closeSync, openSync, readFileSync, statSync, writeSync } from "node:fs";
import { runOk } from "../vm/process.js";

export const SECTOR = 512;
/** First partition at 1 MiB: the usual alignment, and room for GRUB's core image before it. */
export const PARTITION_START_SECTOR = 2048;
/** MBR bytes that hold boot code; the disk signature and partition table follow. */
export const MBR_CODE_BYTES = 440;

export function sfdiskScript(): string {
  return `label: dos\nunit: sectors\n\nstart=${PARTITION_START_SECTOR}, type=83, bootable\n`;
}

export interface DiskLayout {
  diskBytes: number;
  partitionOffset: number;
  partitionBytes: number;
}

export function diskLayout(sizeGb: number): DiskLayout {
  if (!Number.isInteger(sizeGb) || sizeGb < 1 || sizeGb > 64) throw new Error(`disk size ${sizeGb} GiB is outside 1..64`);
  const diskBytes = sizeGb * 1024 ** 3;
  const partitionOffset = PARTITION_START_SECTOR * SECTOR;
  return { diskBytes, partitionOffset, partitionBytes: diskBytes - partitionOffset };
}

/** Puts GRUB's boot code into the MBR (keeping the partition table) and core.img right after it. */
export function embedGrub(raw: string, bootImg: Uint8Array, coreImg: Uint8Array): void {
  if (bootImg.length !== SECTOR) throw new Error(`boot.img is ${bootImg.length} bytes, expected ${SECTOR}`);
  const room = (PARTITION_START_SECTOR - 1) * SECTOR;
  if (coreImg.length > room) throw new Error(`core.img is ${coreImg.length} bytes, more than the ${room} bytes before the first partition`);
  const fd = openSync(raw, "r+");
  try {
    writeSync(fd, bootImg, 0, MBR_CODE_BYTES, 0);
    writeSync(fd, coreImg, 0, coreImg.length, SECTOR);
  } finally {
    closeSync(fd);
  }
}

export interface AssembleOptions {
  rootfs: string;
  raw: string;
  sizeGb: number;
  rootUuid: string;
  label?: string;
  bootImg: string;
  coreImg: string;
  timeoutMs?: number;
}

export async function assembleDisk(o: AssembleOptions): Promise<DiskLayout> {
  const layout = diskLayout(o.sizeGb);
  const timeoutMs = o.timeoutMs ?? 30 * 60_000;
  await runOk("truncate", ["-s", String(layout.diskBytes), o.raw], { timeoutMs: 60_000 });
  await runOk("sfdisk", ["--quiet", o.raw], { input: sfdiskScript(), timeoutMs: 60_000 });
  // -E offset: the file system starts where the partition does; the size is given in KiB.
  await runOk("mkfs.ext4", ["-q", "-F", "-L", o.label ?? "root", "-U", o.rootUuid, "-E", `offset=${layout.partitionOffset}`,
    "-d", o.rootfs, o.raw, `${layout.partitionBytes / 1024}k`], { timeoutMs });
  embedGrub(o.raw, readFileSync(o.bootImg), readFileSync(o.coreImg));
  // Read-only consistency check of the new file system (e2fsprogs' "file?offset=" syntax).
  await runOk("e2fsck", ["-f", "-n", `${o.raw}?offset=${layout.partitionOffset}`], { timeoutMs });
  if (statSync(o.raw).size !== layout.diskBytes) throw new Error(`${o.raw}: size changed while writing the file system`);
  return layout;
}
