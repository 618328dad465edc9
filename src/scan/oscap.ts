// OpenSCAP, when SCAP Security Guide content exists for the image's OS (ssg-debian ships Debian 10
// and 11 only): an offline evaluation of the "standard" profile on the mounted root filesystem
// (OSCAP_PROBE_ROOT). Informational: its rule results are reported, the checklist items decide.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ImageSpec } from "../model/types.js";
import type { ScanReport } from "./types.js";

export const SSG_DIR = "/usr/share/xml/scap/ssg/content";
const PROFILE = "xccdf_org.ssgproject.content_profile_standard";

/** The datastream for the image's OS, e.g. ssg-debian11-ds.xml, or why there is none. */
export function scapContent(spec: ImageSpec, dir = SSG_DIR): { file: string } | { skipped: string } {
  const major = spec.os.version.split(".")[0]!;
  const name = { debian: `ssg-debian${major}-ds.xml`, ubuntu: `ssg-ubuntu${spec.os.version.replace(".", "")}-ds.xml`, almalinux: `ssg-almalinux${major}-ds.xml` }[spec.os.distribution];
  const file = join(dir, name);
  if (!existsSync("/usr/bin/oscap")) return { skipped: "oscap is not installed (package openscap-scanner)" };
  if (!existsSync(file)) return { skipped: `no SCAP Security Guide content for ${spec.os.distribution} ${spec.os.version} (${name} not in ${dir})` };
  return { file };
}

export function runOscap(rootfs: string, spec: ImageSpec): NonNullable<ScanReport["oscap"]> {
  const content = scapContent(spec);
  if ("skipped" in content) return content;
  const work = mkdtempSync(join(tmpdir(), "vmendorse-oscap-"));
  try {
    const results = join(work, "results.xml");
    // Exit 2 means "some rule failed", which is a normal outcome.
    const r = spawnSync("oscap", ["xccdf", "eval", "--profile", PROFILE, "--results", results, content.file], { encoding: "utf8", env: { ...process.env, OSCAP_PROBE_ROOT: rootfs }, timeout: 20 * 60_000, maxBuffer: 64 * 1024 * 1024 });
    if ((r.status !== 0 && r.status !== 2) || !existsSync(results)) return { skipped: `oscap failed (exit ${r.status}): ${(r.stderr || "").trim().split("\n").slice(-2).join(" ")}` };
    return { profile: PROFILE, content: content.file, ...countResults(readFileSync(results, "utf8")) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function countResults(xml: string): { pass: number; fail: number; failed_rules: string[] } {
  let pass = 0;
  const failed: string[] = [];
  for (const m of xml.matchAll(/<rule-result [^>]*idref="([^"]+)"[^>]*>[\s\S]*?<result>([a-z]+)<\/result>/g)) {
    if (m[2] === "pass") pass++;
    else if (m[2] === "fail") failed.push(m[1]!);
  }
  return { pass, fail: failed.length, failed_rules: failed };
}
