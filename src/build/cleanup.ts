// Removes what must not ship in an image (checklist: no ssh host keys, no shared machine id, no logs,
// apt lists or shell histories) from a root file system on the build host. Paths are walked with
// lstat and never through a symbolic link: a link inside the image (e.g. /var/run -> /run) must not
// lead the build host to delete its own files.
import { lstatSync, readdirSync, rmSync, truncateSync } from "node:fs";
import { join } from "node:path";

/** Patterns relative to the root; '*' matches within one path segment. "dir/**" = every file below dir. */
export const REMOVE_PATTERNS = [
  "etc/ssh/ssh_host_*",
  "var/lib/dbus/machine-id",
  "var/lib/systemd/random-seed",
  "var/lib/systemd/credential.secret",
  "var/log/**",
  "var/lib/apt/lists/*",
  "var/lib/apt/lists/partial/*",
  "var/cache/apt/*.bin",
  "var/cache/apt/archives/*.deb",
  "var/cache/apt/archives/partial/*",
  "var/cache/debconf/*-old",
  "var/lib/dpkg/*-old",
  "var/lib/dhcp/*",
  "var/lib/cloud/*",
  "etc/*-",
  "etc/resolv.conf",
  "root/.bash_history",
  "root/.lesshst",
  "root/.viminfo",
  "root/.wget-hsts",
  "root/.ssh",
  "home/*/.bash_history",
  "home/*/.ssh",
  "tmp/*",
  "var/tmp/*",
] as const;

/** Files kept but emptied (systemd treats an empty machine-id as "first boot"). */
export const EMPTY_FILES = ["etc/machine-id"] as const;

const KEEP = new Set(["var/lib/apt/lists/lock", "var/lib/apt/lists/partial", "var/cache/apt/archives/partial", "var/cache/apt/archives/lock"]);

function isDir(abs: string): boolean {
  try {
    return lstatSync(abs).isDirectory();
  } catch {
    return false;
  }
}

function exists(abs: string): boolean {
  try {
    lstatSync(abs);
    return true;
  } catch {
    return false;
  }
}

/** Every path (relative) under `root` matching the pattern, never crossing a symbolic link. */
export function matchPattern(root: string, pattern: string): string[] {
  const parts = pattern.split("/");
  let current = [""];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const last = i === parts.length - 1;
    const next: string[] = [];
    for (const base of current) {
      const absBase = join(root, base);
      // Intermediate components must be real directories (lstat: a link is not followed).
      if (base !== "" && !isDir(absBase)) continue;
      if (part === "**") {
        next.push(...walkFiles(root, base));
        continue;
      }
      if (!part.includes("*")) {
        const rel = base ? `${base}/${part}` : part;
        if ((last && exists(join(root, rel))) || (!last && isDir(join(root, rel)))) next.push(rel);
        continue;
      }
      const re = new RegExp(`^${part.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/]*")}$`);
      let names: string[] = [];
      try {
        names = readdirSync(absBase);
      } catch {
        names = [];
      }
      for (const n of names.sort()) if (re.test(n)) next.push(base ? `${base}/${n}` : n);
    }
    current = next;
  }
  return current.filter((p) => !KEEP.has(p));
}

/** Regular files and links below a directory (not the directories themselves, which packages own). */
function walkFiles(root: string, base: string): string[] {
  const out: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(join(root, base));
  } catch {
    return out;
  }
  for (const n of names.sort()) {
    const rel = `${base}/${n}`;
    if (isDir(join(root, rel))) out.push(...walkFiles(root, rel));
    else out.push(rel);
  }
  return out;
}

/** What the cleanup would remove now (also the check that it removed everything). */
export function residue(root: string): string[] {
  return REMOVE_PATTERNS.flatMap((p) => matchPattern(root, p));
}

export function cleanRootfs(root: string): { removed: string[] } {
  const removed = residue(root);
  for (const rel of removed) rmSync(join(root, rel), { recursive: true, force: true });
  for (const rel of EMPTY_FILES) {
    const abs = join(root, rel);
    if (exists(abs) && lstatSync(abs).isFile()) truncateSync(abs, 0);
  }
  return { removed };
}
