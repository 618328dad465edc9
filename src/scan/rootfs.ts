// Read-only access to an image's root filesystem mounted (or unpacked) at some host directory.
// The image is untrusted: absolute symlinks inside it point into the image, not into the host, so
// every path is resolved component by component, as a chroot would, and never leaves the root.
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, type Stats } from "node:fs";
import { join, posix } from "node:path";

const MAX_LINKS = 40;

export class RootFs {
  constructor(readonly root: string) {}

  /** Host path of an image path with every symlink resolved inside the image, or undefined if missing. */
  resolve(imagePath: string): string | undefined {
    const hostPath = this.resolveImagePath(imagePath);
    return hostPath === undefined ? undefined : join(this.root, hostPath);
  }

  /** The image path (absolute, normalised) an image path resolves to, or undefined if missing. */
  resolveImagePath(imagePath: string): string | undefined {
    let pending = splitPath(imagePath);
    const done: string[] = [];
    let links = 0;
    while (pending.length > 0) {
      const part = pending.shift()!;
      if (part === "." || part === "") continue;
      if (part === "..") {
        done.pop();
        continue;
      }
      const host = join(this.root, ...done, part);
      let st: Stats;
      try {
        st = lstatSync(host);
      } catch {
        return undefined;
      }
      if (st.isSymbolicLink()) {
        if (++links > MAX_LINKS) return undefined;
        const target = readlinkSync(host);
        if (target.startsWith("/")) done.length = 0;
        pending = [...splitPath(target), ...pending];
        continue;
      }
      done.push(part);
    }
    return "/" + done.join("/");
  }

  lstat(imagePath: string): Stats | undefined {
    try {
      return lstatSync(join(this.root, posix.normalize("/" + imagePath)));
    } catch {
      return undefined;
    }
  }

  /** Stats of what the path resolves to. */
  stat(imagePath: string): Stats | undefined {
    const host = this.resolve(imagePath);
    if (host === undefined) return undefined;
    try {
      return lstatSync(host);
    } catch {
      return undefined;
    }
  }

  exists(imagePath: string): boolean {
    return this.resolve(imagePath) !== undefined;
  }

  isFile(imagePath: string): boolean {
    return this.stat(imagePath)?.isFile() ?? false;
  }

  isDir(imagePath: string): boolean {
    return this.stat(imagePath)?.isDirectory() ?? false;
  }

  /** Up to `limit` bytes of a regular file (symlinks resolved inside the image); undefined if absent. */
  readBytes(imagePath: string, limit = 4 * 1024 * 1024): Buffer | undefined {
    const host = this.resolve(imagePath);
    if (host === undefined) return undefined;
    return readRegular(host, limit);
  }

  readText(imagePath: string, limit?: number): string | undefined {
    return this.readBytes(imagePath, limit)?.toString("utf8");
  }

  /** Names in a directory (resolved inside the image), sorted; [] if absent. */
  list(imagePath: string): string[] {
    const host = this.resolve(imagePath);
    if (host === undefined) return [];
    try {
      return readdirSync(host).sort();
    } catch {
      return [];
    }
  }

  /** Image paths matching a pattern whose wildcards ('*', '?') are in the last component only; sorted. */
  glob(pattern: string): string[] {
    const dir = posix.dirname(pattern);
    const base = posix.basename(pattern);
    const re = new RegExp("^" + base.replace(/[.+^${}()|\\\]\[]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]") + "$");
    return this.list(dir)
      .filter((n) => re.test(n) && !n.startsWith("."))
      .map((n) => posix.join(dir, n));
  }

  /**
   * Every regular file under a directory, without following symlinks and without crossing into
   * pseudo filesystems; calls `visit` with the image path and its stats.
   */
  walk(imagePath: string, visit: (path: string, st: Stats) => void, skip: (path: string) => boolean = () => false): void {
    const start = this.resolveImagePath(imagePath);
    if (start === undefined) return;
    const stack = [start];
    while (stack.length > 0) {
      const dir = stack.pop()!;
      let names: string[];
      try {
        names = readdirSync(join(this.root, dir));
      } catch {
        continue;
      }
      for (const name of names.sort()) {
        const p = dir === "/" ? `/${name}` : `${dir}/${name}`;
        if (skip(p)) continue;
        let st: Stats;
        try {
          st = lstatSync(join(this.root, p));
        } catch {
          continue;
        }
        if (st.isDirectory()) stack.push(p);
        else if (st.isFile()) visit(p, st);
      }
    }
  }

  /** Reads a regular file found by walk() (an already resolved image path). */
  readWalked(imagePath: string, limit: number): Buffer | undefined {
    return readRegular(join(this.root, imagePath), limit);
  }
}

function splitPath(p: string): string[] {
  return p.split("/").filter((x) => x !== "");
}

// O_NOFOLLOW: the path was resolved already; a symlink here would mean the image changed under us.
function readRegular(host: string, limit: number): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(host, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return undefined;
    const size = Math.min(st.size, limit);
    const buf = Buffer.alloc(size);
    let off = 0;
    while (off < size) {
      const n = readSync(fd, buf, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}
