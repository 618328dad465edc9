// The report as Markdown, for a pull-request comment and the job summary (GitHub limits a comment
// to 65536 characters, so long finding lists are cut).
import type { CheckResult, ScanReport } from "./types.js";

const MAX_FINDINGS_SHOWN = 15;
const MAX_CHARS = 60_000;
const ICON = { pass: "✅", fail: "❌", waived: "⚠️" } as const;

const esc = (s: string) => s.replace(/[|\\`*_<>[\]]/g, (c) => `\\${c}`).replace(/\n/g, " ");

export function renderMarkdown(r: ScanReport, reportFile?: string): string {
  const lines: string[] = [];
  const scope = r.scope === "full" ? "static checks, boot, nmap, lynis" : "static checks only (not booted)";
  lines.push(`## ${ICON[r.result]} Security checklist: ${esc(r.appliance)}${r.version ? ` ${esc(r.version)}` : ""} — ${r.result.toUpperCase()}`);
  lines.push("");
  lines.push(`**${r.summary.passed} passed, ${r.summary.failed} failed, ${r.summary.waived} waived** · ${scope} · scanned ${r.scanned_at} in ${r.duration_s} s`);
  lines.push("");
  lines.push(`Artifact \`${esc(r.artifact.file)}\` (${r.artifact.kind}, ${(r.artifact.size / 1048576).toFixed(1)} MB${r.artifact.sha512 ? `, sha512 \`${r.artifact.sha512.slice(0, 16)}…\`` : ""})${reportFile ? ` · report \`${esc(reportFile)}\`` : ""}`);
  if (r.lynis?.hardening_index !== undefined) lines.push("", `Lynis hardening index **${r.lynis.hardening_index}** (${r.lynis.warnings.length} warnings, ${r.lynis.suggestions.length} suggestions)`);
  lines.push("", "| | Check | Result |", "|---|---|---|");
  for (const c of r.checks) lines.push(`| ${ICON[c.status]} | \`${c.id}\` ${esc(c.title)} | ${cell(c)} |`);
  const problems = r.checks.filter((c) => c.findings.length > 0);
  if (problems.length > 0) {
    lines.push("", "### Findings");
    for (const c of problems) {
      lines.push("", `**\`${c.id}\`** ${esc(c.title)}`);
      for (const f of c.findings.slice(0, MAX_FINDINGS_SHOWN)) {
        const why = f.status === "waived" ? ` — waived: _${esc(f.waiver!.justification)}_${f.waiver!.expires ? ` (until ${f.waiver!.expires})` : ""}` : f.expired_waiver ? ` — ${esc(f.expired_waiver)}` : "";
        lines.push(`- ${ICON[f.status]} ${esc(f.message)}${why}`);
      }
      if (c.findings.length > MAX_FINDINGS_SHOWN) lines.push(`- … and ${c.findings.length - MAX_FINDINGS_SHOWN} more in the JSON report`);
    }
  }
  if (r.waivers.unused.length > 0 || r.waivers.expired.length > 0) {
    lines.push("", "### Waivers");
    for (const w of r.waivers.unused) lines.push(`- unused: \`${esc(w.check)}\`${w.match ? ` (match "${esc(w.match)}")` : ""} — remove it or check its id`);
    for (const w of r.waivers.expired) lines.push(`- expired on ${w.expires}: \`${esc(w.check)}\`${w.match ? ` (match "${esc(w.match)}")` : ""}`);
  }
  if (r.nmap) {
    lines.push("", "### Ports seen by nmap", "", `TCP ${esc(r.nmap.tcp_ports_scanned)}, UDP ${esc(r.nmap.udp_ports_scanned)}: ${r.nmap.open.map((p) => `${p.port}/${p.protocol} ${p.state}${p.service ? ` (${esc(p.service)})` : ""}`).join(", ") || "nothing open"}`);
  }
  if (r.lynis && r.lynis.suggestions.length > 0) {
    lines.push("", "<details><summary>Lynis suggestions</summary>", "");
    for (const s of r.lynis.suggestions.slice(0, 60)) lines.push(`- \`${esc(s.test)}\` ${esc(s.text)}`);
    lines.push("", "</details>");
  }
  if (r.oscap) lines.push("", "skipped" in r.oscap ? `OpenSCAP: not run (${esc(r.oscap.skipped)})` : `OpenSCAP ${esc(r.oscap.profile)}: ${r.oscap.pass} rules pass, ${r.oscap.fail} fail`);
  lines.push("", `<sub>Timings: ${Object.entries(r.timings).map(([k, v]) => `${k} ${v} s`).join(", ")}</sub>`);
  let text = lines.join("\n") + "\n";
  if (text.length > MAX_CHARS) text = text.slice(0, MAX_CHARS) + "\n\n… (cut; the JSON report has everything)\n";
  return text;
}

function cell(c: CheckResult): string {
  if (c.status === "pass") return esc(c.evidence[0] ?? "ok").slice(0, 160);
  const failed = c.findings.filter((f) => f.status === "fail").length;
  const waived = c.findings.length - failed;
  return [failed ? `${failed} finding(s)` : "", waived ? `${waived} waived` : ""].filter(Boolean).join(", ");
}
