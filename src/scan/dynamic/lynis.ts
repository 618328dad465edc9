// Lynis inside the booted image: the host's lynis (a shell program) is copied in as a standalone
// directory, run as root with `audit system`, and its machine report (report.dat) is read back.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import type { LynisSummary } from "../types.js";

/** A gzipped tar of the host's lynis laid out to run from its own directory (./lynis, ./include, ./db, ./plugins). */
export function lynisBundle(): Buffer {
  const parts: [string, string][] = [
    ["/usr/sbin/lynis", "lynis/lynis"],
    ["/usr/share/lynis/include", "lynis/include"],
    ["/usr/share/lynis/db", "lynis/db"],
    ["/etc/lynis/plugins", "lynis/plugins"],
    ["/etc/lynis/default.prf", "lynis/default.prf"],
  ];
  for (const [src] of parts) if (!existsSync(src)) throw new Error(`lynis is not installed on this host (${src} is missing; package lynis)`);
  // --transform places each host path under lynis/; owner root, as lynis refuses files owned by others.
  const args = ["-C", "/", "-czf", "-", "--owner=0", "--group=0", "--mode=go-w"];
  for (const [src, dst] of parts) args.push(`--transform=s|^${src.slice(1)}|${dst}|`);
  args.push(...parts.map(([src]) => src.slice(1)));
  const r = spawnSync("tar", args, { maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`tar of lynis failed: ${r.stderr.toString()}`);
  return r.stdout;
}

/** Shell script run as root in the guest: unpack the bundle from stdin and audit. */
export function lynisScript(dir = "/var/tmp/vmendorse-lynis"): string {
  return [
    "set -e",
    `rm -rf ${dir} && mkdir -p ${dir} && cd ${dir}`,
    "tar -xzf - --no-same-permissions --same-owner",
    "cd lynis",
    // --quick: no pauses; the report file is what we read, the screen output goes to the log.
    `./lynis audit system --quick --no-colors --report-file ${dir}/report.dat --log-file ${dir}/lynis.log > ${dir}/screen.txt 2>&1 || true`,
    `cat ${dir}/report.dat`,
    `rm -rf ${dir}`,
  ].join("\n");
}

/** Reads report.dat: key=value lines, arrays as key[]=value; warnings/suggestions are TEST|text|details|solution. */
export function parseLynisReport(text: string): LynisSummary {
  const single = new Map<string, string>();
  const warnings: { test: string; text: string }[] = [];
  const suggestions: { test: string; text: string }[] = [];
  for (const line of text.split("\n")) {
    const m = /^([a-z_0-9]+)(\[\])?=(.*)$/.exec(line.trim());
    if (!m) continue;
    const [, key, arr, value] = m as unknown as [string, string, string | undefined, string];
    if (arr && (key === "warning" || key === "suggestion")) {
      const [test, txt, details] = value.split("|");
      const item = { test: test ?? "", text: [txt, details && details !== "-" ? `(${details})` : ""].filter(Boolean).join(" ").slice(0, 2000) };
      (key === "warning" ? warnings : suggestions).push(item);
    } else if (!arr) single.set(key, value);
  }
  const num = (k: string) => {
    const v = single.get(k);
    return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
  };
  const hi = num("hardening_index");
  const done = num("lynis_tests_done");
  return {
    ...(single.get("lynis_version") ? { version: single.get("lynis_version")! } : {}),
    ...(hi !== undefined ? { hardening_index: hi } : {}),
    ...(done !== undefined ? { tests_performed: done } : {}),
    warnings,
    suggestions,
  };
}
