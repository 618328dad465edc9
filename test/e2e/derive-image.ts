// Bad disk images derived from a built one: the image is converted to a temporary raw file, its root
// partition mounted read-write on a loop device, changed, and unmounted. The raw file is the result.
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

/** A raw copy of `base` named like a release artifact, changed by `mutate(rootDir)`. */
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
      try {
        if (!existsSync(join(mnt, "etc", "os-release"))) continue;
        mutate(mnt);
        return raw;
      } finally {
        execFileSync("umount", [mnt]);
      }
    } finally {
      execFileSync("losetup", ["-d", loop]);
    }
  }
  throw new Error(`${base}: no root partition found`);
}
