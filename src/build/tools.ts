// The build tools and their exact versions, recorded in the build record (the policy: images are
// generated with fully patched tools, so the record names the Debian package version too).
import { spawnSync } from "node:child_process";
import { hasCommand, toolVersionLine } from "../vm/process.js";

export interface Tool {
  command: string;
  /** Debian package that provides it (for the patch level and for install hints). */
  debianPackage: string;
  /** Extracts the upstream version from the first line of `<command> --version`. */
  versionArgs?: string[];
  pattern: RegExp;
}

export const TOOLS = {
  mmdebstrap: { command: "mmdebstrap", debianPackage: "mmdebstrap", pattern: /mmdebstrap (\S+)/ },
  "qemu-img": { command: "qemu-img", debianPackage: "qemu-utils", pattern: /version (\S+)/ },
  e2fsprogs: { command: "mkfs.ext4", debianPackage: "e2fsprogs", versionArgs: ["-V"], pattern: /mke2fs (\S+)/ },
  sfdisk: { command: "sfdisk", debianPackage: "fdisk", pattern: /util-linux (\S+)/ },
  tar: { command: "tar", debianPackage: "tar", pattern: /(\d+\.\d+(?:\.\d+)?)/ },
  packer: { command: "packer", debianPackage: "packer", pattern: /v?(\d+\.\d+\.\d+\S*)/ },
} satisfies Record<string, Tool>;

export type ToolName = keyof typeof TOOLS;

function debianVersion(pkg: string): string | undefined {
  const r = spawnSync("dpkg-query", ["-W", "-f", "${Version}", pkg], { encoding: "utf8" });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : undefined;
}

/** "7.2.22 (qemu-utils 1:7.2+dfsg-7+deb12u18+b3)", or the bare upstream version off Debian. */
export function toolVersion(name: ToolName): string | undefined {
  const t: Tool = TOOLS[name];
  const line = toolVersionLine(t.command, t.versionArgs ?? ["--version"]);
  if (line === undefined) return undefined;
  const upstream = t.pattern.exec(line)?.[1] ?? line.slice(0, 60);
  const deb = debianVersion(t.debianPackage);
  return (deb ? `${upstream} (${t.debianPackage} ${deb})` : upstream).slice(0, 100);
}

/** Names of the tools that are missing, with the Debian packages that provide them. */
export function missingTools(names: ToolName[]): { name: string; debianPackage: string }[] {
  return names.filter((n) => !hasCommand(TOOLS[n].command)).map((n) => ({ name: TOOLS[n].command, debianPackage: TOOLS[n].debianPackage }));
}
