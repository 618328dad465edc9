// The decision in words: Markdown for a PR comment / job summary, and plain lines for a terminal.
import type { Decision } from "./types.js";

const at = (logins: readonly string[]) => logins.map((l) => `@${l}`).join(", ");
/** A path or login from the request as inline code; its text cannot break out of the table cell. */
export const code = (s: string) => `\`${s.replace(/[`|\r\n<>]/g, "?").slice(0, 200)}\``;

export function decisionMarkdown(d: Decision): string {
  const lines = [
    `### Authorization: ${d.authorized ? "✅ authorized" : "❌ not authorized yet"}`,
    "",
    `Author: ${code(d.author)}; approvals of the current head: ${d.approvers.length > 0 ? d.approvers.map(code).join(", ") : "none"}.`,
    "",
  ];
  if (d.requirements.length > 0) {
    lines.push("| | needs | files | approved by | who can approve |", "|---|---|---|---|---|");
    for (const r of d.requirements) {
      const files = r.files.slice(0, 5).map(code).join("<br>") + (r.files.length > 5 ? `<br>… ${r.files.length - 5} more` : "");
      const who = r.id === "review" ? "anyone but the author" : r.eligible.length > 0 ? r.eligible.map(code).join(", ") : "**nobody**";
      lines.push(`| ${r.ok ? "✅" : "❌"} | ${r.need}${r.note ? ` (${r.note})` : ""} | ${files} | ${r.satisfiedBy.map(code).join(", ") || "—"} | ${who} |`);
    }
    lines.push("");
  }
  for (const p of d.problems) lines.push(`- ❌ ${p.replace(/[<>\r\n]/g, "?")}`);
  return lines.join("\n").trimEnd() + "\n";
}

export function decisionLines(d: Decision): string[] {
  const out = [`${d.authorized ? "authorized" : "NOT authorized"}: author ${d.author}, approvals ${d.approvers.join(", ") || "none"}`];
  for (const r of d.requirements) {
    out.push(`  ${r.ok ? "ok  " : "MISS"} ${r.need}: ${r.files.length} file(s)${r.ok ? `, approved by ${at(r.satisfiedBy)}` : r.id === "review" ? "" : `; can approve: ${at(r.eligible) || "nobody"}`}${r.note ? ` (${r.note})` : ""}`);
  }
  for (const p of d.problems) out.push(`  REFUSED ${p}`);
  return out;
}
