// The report as SARIF 2.1.0 (GitHub code scanning and other viewers). Every checklist item is a
// rule; every finding a result located at the image's image.yaml (the file a fix or waiver goes to),
// with the path inside the image as a logical location. Waived findings carry a suppression.
import { createHash } from "node:crypto";
import type { Log, ReportingDescriptor, Result } from "sarif";
import { CHECKS } from "./catalogue.js";
import type { ScanReport } from "./types.js";

export function renderSarif(r: ScanReport, imageYamlPath: string, toolVersion: string, informationUri?: string): Log {
  const ran = new Set(r.checks.map((c) => c.id));
  const rules: ReportingDescriptor[] = CHECKS.filter((c) => ran.has(c.id)).map((c) => ({
    id: c.id,
    name: c.id.replace(/(^|[.-])([a-z0-9])/g, (_m, _s, ch: string) => ch.toUpperCase()),
    shortDescription: { text: c.title },
    fullDescription: { text: c.description },
    defaultConfiguration: { level: "error" },
    properties: { phase: c.phase, tags: ["security", "vm-image"] },
  }));
  const results: Result[] = [];
  for (const c of r.checks) {
    const ruleIndex = rules.findIndex((x) => x.id === c.id);
    for (const f of c.findings) {
      results.push({
        ruleId: c.id,
        ruleIndex,
        level: "error",
        kind: "fail",
        message: { text: f.message },
        locations: [
          {
            physicalLocation: { artifactLocation: { uri: imageYamlPath }, region: { startLine: 1 } },
            logicalLocations: [{ name: f.subject, kind: "resource", fullyQualifiedName: `${r.appliance}:${f.subject}` }],
          },
        ],
        partialFingerprints: { "vmendorseFinding/v1": createHash("sha256").update(`${r.appliance}\0${c.id}\0${f.subject}`).digest("hex") },
        ...(f.status === "waived" ? { suppressions: [{ kind: "external" as const, status: "accepted" as const, justification: f.waiver!.justification }] } : {}),
      });
    }
  }
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "vmendorse-scan", version: toolVersion, ...(informationUri ? { informationUri } : {}), rules } },
        automationDetails: { id: `vmendorse-scan/${r.appliance}/${r.version ?? r.artifact.file}` },
        invocations: [{ executionSuccessful: true, endTimeUtc: r.scanned_at }],
        artifacts: [{ location: { uri: imageYamlPath } }],
        results,
        properties: { artifact: r.artifact, scope: r.scope, result: r.result, summary: r.summary },
      },
    ],
  };
}
