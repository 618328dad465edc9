// Pending updates: the host's apt simulates a dist-upgrade of the image's package database
// (/var/lib/dpkg/status) against the image's archive (image.yaml builder: mirror, suite, -updates,
// -security), with the host's archive keyring. Nothing runs inside the image and nothing is installed.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ImageSpec } from "../../model/types.js";
import type { RootFs } from "../rootfs.js";
import type { Outcome } from "../types.js";

export const DEBIAN_KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg";

export interface PendingUpdate {
  name: string;
  installed: string;
  candidate: string;
  origin: string;
  security: boolean;
}

/** The archive an image's packages must be current with, as one-line apt sources. */
export function aptSourcesFor(spec: ImageSpec): string[] | { unsupported: string } {
  const b = spec.builder;
  if (b.type !== "mmdebstrap" || spec.os.distribution !== "debian") {
    return { unsupported: `checking pending updates of ${spec.os.distribution} images built with ${b.type} is not supported yet` };
  }
  const mirror = b.mirror ?? "http://deb.debian.org/debian";
  const security = b.security_mirror ?? "http://deb.debian.org/debian-security";
  const comps = (b.components ?? ["main"]).join(" ");
  const opt = `[signed-by=${DEBIAN_KEYRING}]`;
  return [`deb ${opt} ${mirror} ${b.suite} ${comps}`, `deb ${opt} ${mirror} ${b.suite}-updates ${comps}`, `deb ${opt} ${security} ${b.suite}-security ${comps}`];
}

/** "Inst libc6 [2.36-9+deb12u9] (2.36-9+deb12u10 Debian-Security:12/stable-security [amd64])" lines. */
export function parseSimulation(out: string): PendingUpdate[] {
  const updates: PendingUpdate[] = [];
  for (const line of out.split("\n")) {
    const m = /^Inst (\S+) \[([^\]]+)\] \((\S+) (.*?)(?: \[[^\]]+\])?\)/.exec(line);
    if (!m) continue;
    const origin = m[4]!;
    updates.push({ name: m[1]!, installed: m[2]!, candidate: m[3]!, origin, security: /security/i.test(origin) });
  }
  return updates;
}

function architecture(fs: RootFs): string {
  return (fs.readText("/var/lib/dpkg/arch") ?? "").split("\n")[0]?.trim() || "amd64";
}

export function checkUpdates(fs: RootFs, sources: string[] | { unsupported: string }, cacheDir?: string): Outcome {
  const id = "packages.updates";
  if (!Array.isArray(sources)) return { id, problems: [{ subject: "archive", message: sources.unsupported }], evidence: [] };
  const status = fs.resolve("/var/lib/dpkg/status");
  if (status === undefined) return { id, problems: [{ subject: "/var/lib/dpkg/status", message: "the image has no dpkg status file: its packages cannot be checked" }], evidence: [] };
  if (!existsSync(DEBIAN_KEYRING)) return { id, problems: [{ subject: "archive", message: `cannot check the archive: ${DEBIAN_KEYRING} is missing on this host (package debian-archive-keyring)` }], evidence: [] };
  const arch = architecture(fs);
  const work = mkdtempSync(join(tmpdir(), "vmendorse-apt-"));
  // Index files are kept between scans (per archive) so that a second scan only revalidates them.
  const lists = cacheDir ? join(cacheDir, createHash("sha256").update(sources.join("\n") + arch).digest("hex").slice(0, 16)) : join(work, "lists");
  try {
    mkdirSync(join(lists, "partial"), { recursive: true });
    mkdirSync(join(work, "cache", "archives", "partial"), { recursive: true });
    mkdirSync(join(work, "empty"), { recursive: true });
    writeFileSync(join(work, "sources.list"), sources.join("\n") + "\n");
    writeFileSync(join(work, "apt.conf"), "");
    const extended = fs.resolve("/var/lib/apt/extended_states");
    // Only our options: the host's apt configuration, sources and preferences do not apply.
    const opts = [
      `Dir::Etc::SourceList=${join(work, "sources.list")}`,
      `Dir::Etc::SourceParts=${join(work, "empty")}`,
      `Dir::Etc::Parts=${join(work, "empty")}`,
      `Dir::Etc::Preferences=${join(work, "empty", "none")}`,
      `Dir::Etc::PreferencesParts=${join(work, "empty")}`,
      `Dir::State::Lists=${lists}`,
      `Dir::State::status=${status}`,
      `Dir::State::extended_states=${extended ?? join(work, "extended_states")}`,
      `Dir::Cache=${join(work, "cache")}`,
      "Debug::NoLocking=1",
      `APT::Architecture=${arch}`,
      `APT::Architectures::=${arch}`,
      "Acquire::Languages=none",
    ].flatMap((o) => ["-o", o]);
    const env = { ...process.env, APT_CONFIG: join(work, "apt.conf"), LC_ALL: "C" };
    const upd = spawnSync("apt-get", [...opts, "-q", "update"], { encoding: "utf8", env, timeout: 10 * 60_000 });
    if (upd.status !== 0 || /^(E|W): /m.test(upd.stdout + upd.stderr)) {
      const err = (upd.error?.message ?? (upd.stderr || upd.stdout)).split("\n").filter((l) => /^(E|W):/.test(l) || upd.status !== 0).slice(0, 3).join(" ");
      if (upd.status !== 0) return { id, problems: [{ subject: "archive", message: `apt-get update against the image's archive failed: ${err}` }], evidence: [] };
    }
    const sim = spawnSync("apt-get", [...opts, "-s", "-q", "dist-upgrade"], { encoding: "utf8", env, timeout: 10 * 60_000 });
    if (sim.status !== 0) return { id, problems: [{ subject: "archive", message: `apt-get -s dist-upgrade failed: ${(sim.stderr || sim.stdout).trim().split("\n").slice(-3).join(" ")}` }], evidence: [] };
    const updates = parseSimulation(sim.stdout);
    const installed = (fs.readText("/var/lib/dpkg/status", 64 * 1024 * 1024) ?? "").split("\n").filter((l) => /^Status: install ok installed/.test(l)).length;
    return {
      id,
      problems: updates.map((u) => ({ subject: u.name, message: `${u.name} ${u.installed} -> ${u.candidate} (${u.origin})${u.security ? ": a security update" : ""}` })),
      evidence: [`${installed} installed packages compared with ${sources.map((s) => s.replace(/^deb \[[^\]]*\] /, "")).join("; ")}`, `${updates.length} pending (${updates.filter((u) => u.security).length} from the security archive)`],
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
