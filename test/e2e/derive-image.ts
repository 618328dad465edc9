// Bad disk images derived from a built one: the image is converted to a temporary raw file, its root
// partition mounted read-write on a loop device, changed, and unmounted; the result is a qcow2 again,
// like the artifacts a build publishes (a 4 GiB raw file would fail the size checks).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { partitions } from "../../src/scan/artifact.js";

const made: string[] = [];
afterAll(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A qcow2 copy of `base`, changed by `mutate(rootDir)`. */
export function deriveImage(base: string, name: string, mutate: (root: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), `vmendorse-derived-${name}-`));
  made.push(dir);
  const raw = join(dir, `${name}.raw`);
  execFileSync("qemu-img", ["convert", "-O", "raw", base, raw]);
  const mnt = join(dir, "mnt");
  mkdirSync(mnt);
  for (const p of partitions(raw)) {
    const loop = execFileSync("losetup", ["--find", "--show", "--offset", String(p.offset), "--sizelimit", String(p.size), raw], { encoding: "utf8" }).trim();
    try {
      if (spawnSync("mount", [loop, mnt]).status !== 0) continue;
      let mounted = true;
      try {
        if (!existsSync(join(mnt, "etc", "os-release"))) continue;
        mutate(mnt);
        execFileSync("umount", [mnt]);
        mounted = false;
        const qcow2 = join(dir, `${name}.qcow2`);
        execFileSync("qemu-img", ["convert", "-f", "raw", "-O", "qcow2", raw, qcow2]);
        rmSync(raw);
        return qcow2;
      } finally {
        if (mounted) execFileSync("umount", [mnt]);
      }
    } finally {
      execFileSync("losetup", ["-d", loop]);
    }
  }
  throw new Error(`${base}: no root partition found`);
}
