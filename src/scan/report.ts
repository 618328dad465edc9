// Assembles the checklist report from check outcomes, and its summary for the release record.
import type { ScanSummary, Waiver } from "../model/types.js";
import { isoSeconds } from "../util/time.js";
import { CHECKS, CHECK_IDS } from "./catalogue.js";
import type { CheckResult, Outcome, Phase, ScanReport, Status } from "./types.js";
import { applyWaivers } from "./waivers.js";

export interface ReportInput {
  appliance: string;
  version?: string;
  artifact: ScanReport["artifact"];
  scope: ScanReport["scope"];
  outcomes: Outcome[];
  waivers: Waiver[];
  startedAt: number;
  finishedAt: number;
  tools: Record<string, string>;
  timings: Record<string, number>;
  lynis?: ScanReport["lynis"];
  nmap?: ScanReport["nmap"];
  oscap?: ScanReport["oscap"];
}

export function buildReport(input: ReportInput): ScanReport {
  const phases: Phase[] = input.scope === "full" ? ["static", "dynamic"] : ["static"];
  const defs = CHECKS.filter((c) => phases.includes(c.phase));
  const byId = new Map<string, Outcome>();
  for (const o of input.outcomes) {
    const prev = byId.get(o.id);
    byId.set(o.id, prev ? { id: o.id, problems: [...prev.problems, ...o.problems], evidence: [...prev.evidence, ...o.evidence] } : o);
  }
  // A checklist item without an outcome was not evaluated: that is a failure, never a silent pass.
  const outcomes = defs.map((d) => byId.get(d.id) ?? { id: d.id, problems: [{ subject: "not evaluated", message: "this check produced no result" }], evidence: [] });
  const ran = new Set(defs.map((d) => d.id));
  const w = applyWaivers(outcomes, input.waivers.filter((x) => ran.has(x.check)), input.finishedAt);
  const checks: CheckResult[] = defs.map((d) => {
    const o = outcomes.find((x) => x.id === d.id)!;
    const findings = w.findings.get(d.id) ?? [];
    const status: Status = findings.some((f) => f.status === "fail") ? "fail" : findings.length > 0 ? "waived" : "pass";
    return { id: d.id, phase: d.phase, title: d.title, status, findings, evidence: o.evidence };
  });
  const count = (s: Status) => checks.filter((c) => c.status === s).length;
  const summary = { passed: count("pass"), failed: count("fail"), waived: count("waived") };
  const unknown = input.waivers.filter((x) => !CHECK_IDS.has(x.check));
  return {
    format: "vmendorse-scan-report/1",
    appliance: input.appliance,
    ...(input.version !== undefined ? { version: input.version } : {}),
    artifact: input.artifact,
    scanned_at: isoSeconds(input.finishedAt),
    duration_s: Math.round((input.finishedAt - input.startedAt) / 100) / 10,
    scope: input.scope,
    result: summary.failed === 0 ? "pass" : "fail",
    summary,
    tools: input.tools,
    checks,
    waivers: { unused: [...w.unused, ...unknown], expired: w.expired },
    ...(input.lynis ? { lynis: input.lynis } : {}),
    ...(input.nmap ? { nmap: input.nmap } : {}),
    ...(input.oscap ? { oscap: input.oscap } : {}),
    timings: input.timings,
  };
}

/** The release record's `scan` field; report_sha512 is the hash of the JSON report file's bytes. */
export function scanSummary(report: ScanReport, reportFile: string, reportSha512: string): ScanSummary {
  return {
    result: report.result,
    passed: report.summary.passed,
    failed: report.summary.failed,
    waived: report.summary.waived,
    ...(report.lynis?.hardening_index !== undefined ? { lynis_index: report.lynis.hardening_index } : {}),
    scanned_at: report.scanned_at,
    report: reportFile,
    report_sha512: reportSha512,
  };
}
