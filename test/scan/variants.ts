// Bad images derived from the cached base rootfs: an overlay mount whose upper layer holds the
// changes, so the base stays untouched and a variant costs nothing to make. Unmounted after the file.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { baseRootfs } from "./base-rootfs.js";

const mounted: { merged: string; dir: string }[] = [];
afterAll(() => {
  for (const m of mounted.splice(0)) {
    execFileSync("umount", [m.merged]);
    rmSync(m.dir, { recursive: true, force: true });
  }
});

/** A writable copy-on-write view of the base rootfs, changed by `mutate` (which gets its path). */
export function variant(name: string, mutate: (root: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), `vmendorse-variant-${name}-`));
  const upper = join(dir, "upper");
  const work = join(dir, "work");
  const merged = join(dir, name);
  for (const d of [upper, work, merged]) mkdirSync(d);
  execFileSync("mount", ["-t", "overlay", "overlay", "-o", `lowerdir=${baseRootfs()},upperdir=${upper},workdir=${work}`, merged]);
  mounted.push({ merged, dir });
  mutate(merged);
  return merged;
}

/** Runs a command inside the variant (chroot), e.g. to enable a unit the way systemctl does. */
export function inRoot(root: string, cmd: string[]): string {
  return execFileSync("chroot", [root, ...cmd], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}
