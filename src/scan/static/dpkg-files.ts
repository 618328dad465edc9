// Which files are exactly as their Debian package shipped them (from /var/lib/dpkg/info/*.md5sums).
// A private key inside a public package (e.g. an example in /usr/share/doc) is no secret of the image.
import { createHash } from "node:crypto";
import type { RootFs } from "../rootfs.js";

export class PackagedFiles {
  private sums: Map<string, string> | undefined;

  constructor(private readonly fs: RootFs) {}

  private load(): Map<string, string> {
    if (this.sums) return this.sums;
    const sums = new Map<string, string>();
    for (const name of this.fs.list("/var/lib/dpkg/info")) {
      if (!name.endsWith(".md5sums")) continue;
      const text = this.fs.readText(`/var/lib/dpkg/info/${name}`, 16 * 1024 * 1024) ?? "";
      for (const line of text.split("\n")) {
        const m = /^([0-9a-f]{32}) {2}(.+)$/.exec(line);
        if (m) sums.set("/" + m[2]!, m[1]!);
      }
    }
    this.sums = sums;
    return sums;
  }

  /** True when the file's content has the md5 its package recorded (an unmodified packaged file). */
  unmodified(imagePath: string, content: Buffer): boolean {
    const expected = this.load().get(imagePath) ?? this.load().get(imagePath.replace(/^\/usr\//, "/"));
    return expected !== undefined && createHash("md5").update(content).digest("hex") === expected;
  }
}
