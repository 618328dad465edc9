// A build works in a hidden folder beside the output folder and moves finished files into it only at
// the end, so that a failed or interrupted build leaves no half-written artifact behind.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { spawnSync } from "node:child_process";

export interface Staging {
  dir: string;
  /** Scratch space (root file system, raw disk). */
  work: string;
  /** Finished files, moved into the output folder by commit(). */
  out: string;
}

export function createStaging(outDir: string): Staging {
  const parent = dirname(resolve(outDir));
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, `.${basename(outDir)}.build-`));
  // apt downloads as the unprivileged _apt user: it must be able to reach the root file system below.
  chmodSync(dir, 0o755);
  const s = { dir, work: join(dir, "work"), out: join(dir, "out") };
  mkdirSync(s.work);
  mkdirSync(s.out);
  return s;
}

/** Moves every finished file into outDir (same file system: each move is an atomic rename). */
export function commitStaging(s: Staging, outDir: string): string[] {
  mkdirSync(outDir, { recursive: true });
  const names = readdirSync(s.out).sort();
  const clash = names.filter((n) => existsSync(join(outDir, n)));
  if (clash.length > 0) throw new Error(`${outDir} already has ${clash.join(", ")}: refusing to overwrite`);
  for (const n of names) renameSync(join(s.out, n), join(outDir, n));
  return names.map((n) => join(outDir, n));
}

/** Mount points below a folder (a killed mmdebstrap can leave /proc or /dev mounted in its chroot). */
export function mountsBelow(dir: string): string[] {
  const prefix = resolve(dir) + "/";
  let text = "";
  try {
    text = readFileSync("/proc/self/mountinfo", "utf8");
  } catch {
    return [];
  }
  // Field 5 is the mount point, with spaces etc. octal-escaped.
  const points = text.split("\n").map((l) => l.split(" ")[4]).filter((p): p is string => p !== undefined)
    .map((p) => p.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8))));
  return points.filter((p) => p.startsWith(prefix)).sort((a, b) => b.length - a.length);
}

/**
 * Removes a staging folder. Mounts below it are detached first, and `rm --one-file-system` never
 * descends into another file system, so a left-over bind mount of the host's /dev cannot be emptied.
 */
export function removeStaging(dir: string): { ok: boolean; message?: string } {
  if (!existsSync(dir)) return { ok: true };
  for (const m of mountsBelow(dir)) spawnSync("umount", ["--lazy", m]);
  const left = mountsBelow(dir);
  if (left.length > 0) return { ok: false, message: `not removed: ${dir} still has mounts (${left.join(", ")})` };
  const r = spawnSync("rm", ["-rf", "--one-file-system", "--", dir], { encoding: "utf8" });
  return r.status === 0 ? { ok: true } : { ok: false, message: `could not remove ${dir}: ${r.stderr.trim()}` };
}
