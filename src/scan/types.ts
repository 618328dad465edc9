// Shapes of the security checklist scan: check definitions, raw outcomes, and the report
// (schemas/scan-report.schema.json is the normative definition of the report).
import type { ImageSpec, Waiver } from "../model/types.js";

export type Phase = "static" | "dynamic";
export type Status = "pass" | "fail" | "waived";

/** One item of the security checklist (src/scan/catalogue.ts lists them all). */
export interface CheckDef {
  /** Stable id, used by waivers in image.yaml and by SARIF rule ids. */
  id: string;
  phase: Phase;
  title: string;
  /** What passing means, in a sentence (shown in the Markdown and SARIF help). */
  description: string;
}

/** A problem a check found; `subject` is what a waiver's `match` is compared with. */
export interface Problem {
  subject: string;
  message: string;
}

/** What one check returns before waivers are applied. */
export interface Outcome {
  id: string;
  problems: Problem[];
  /** What was examined and what was seen when nothing is wrong (or in addition to the problems). */
  evidence: string[];
}

export interface Finding extends Problem {
  status: "fail" | "waived";
  waiver?: { justification: string; match?: string; expires?: string };
  /** Set when a waiver would have matched but has expired. */
  expired_waiver?: string;
}

export interface CheckResult {
  id: string;
  phase: Phase;
  title: string;
  status: Status;
  findings: Finding[];
  evidence: string[];
}

export interface LynisSummary {
  version?: string;
  hardening_index?: number;
  tests_performed?: number;
  warnings: { test: string; text: string }[];
  suggestions: { test: string; text: string }[];
}

export interface NmapPort {
  port: number;
  protocol: "tcp" | "udp";
  state: string;
  service?: string;
}

export interface ScanReport {
  format: "vmendorse-scan-report/1";
  appliance: string;
  version?: string;
  artifact: { file: string; kind: "qcow2" | "raw" | "rootfs"; size: number; virtual_size?: number; sha512?: string };
  scanned_at: string;
  duration_s: number;
  /** "static": filesystem checks only; "full": also booted, port-scanned and audited from inside. */
  scope: "static" | "full";
  result: "pass" | "fail";
  summary: { passed: number; failed: number; waived: number };
  tools: Record<string, string>;
  checks: CheckResult[];
  waivers: { unused: Waiver[]; expired: Waiver[] };
  lynis?: LynisSummary;
  nmap?: { target: string; tcp_ports_scanned: string; udp_ports_scanned: string; open: NmapPort[] };
  oscap?: { profile: string; content: string; pass: number; fail: number; failed_rules: string[] } | { skipped: string };
  timings: Record<string, number>;
}

/** Everything a static check may look at. */
export interface StaticContext {
  spec: ImageSpec;
  /** Size in bytes of the artifact as distributed (qcow2 file), or of the rootfs contents. */
  artifactSize: number;
  /** Sources to compare installed packages with (one-line "deb ..." format); from the image spec by default. */
  aptSources: string[];
}
