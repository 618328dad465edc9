// `vmendorse scan`: the security checklist of one image. Static checks run on the mounted root
// filesystem (or on a root filesystem directory, for tests and quick local checks); the dynamic
// checks boot the image (src/scan/dynamic/). Writes the JSON report (checked against its schema),
// Markdown and SARIF next to each other and returns the release record's summary.
import { createHash } from "node:crypto";
import { lstatSync, readdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import type { ImageSpec, ScanSummary } from "../model/types.js";
import { validateData } from "../schema/validator.js";
import { InvalidInputError, RefusedError } from "../util/diagnostic.js";
import { toJsonText, writeFileAtomic } from "../util/fs.js";
import { inspectArtifact, withMountedRoot, type ArtifactInfo } from "./artifact.js";
import { sha512File } from "../util/digest.js";
import { renderMarkdown } from "./markdown.js";
import { buildReport, scanSummary } from "./report.js";
import { renderSarif } from "./sarif.js";
import { runStaticChecks } from "./static/index.js";
import { runOscap } from "./oscap.js";
import { toolVersions } from "./tools.js";
import type { Outcome, ScanReport } from "./types.js";

export const SCANNER_VERSION = "0.1.0";

/** What the dynamic phase adds (src/scan/dynamic/). */
export interface DynamicResult {
  outcomes: Outcome[];
  timings: Record<string, number>;
  tools: Record<string, string>;
  lynis?: ScanReport["lynis"];
  nmap?: ScanReport["nmap"];
}

/** Parts of the dynamic phase; a scan runs them all, tests may pick. */
export type DynamicPart = "listening" | "nmap" | "lynis";

export type DynamicRunner = (artifact: string, info: ArtifactInfo, spec: ImageSpec, progress: (l: string) => void, parts?: DynamicPart[]) => Promise<DynamicResult>;

export interface ScanOptions {
  artifact: string;
  spec: ImageSpec;
  /** Path of image.yaml relative to the repository (SARIF locations). */
  specFile: string;
  outDir: string;
  version?: string;
  /** Skip booting a disk image (a root filesystem directory is always static-only). */
  staticOnly?: boolean;
  dynamic?: DynamicRunner;
  aptSources?: string[];
  aptCache?: string;
  /** Clock for waiver expiry and timestamps (tests). */
  now?: () => number;
  progress?: (line: string) => void;
}

export interface ScanOutput {
  report: ScanReport;
  summary: ScanSummary;
  files: { json: string; markdown: string; sarif: string };
}

/** Base name of the report files: the artifact's name without its extension. */
export const reportBase = (artifact: string) => basename(artifact).replace(/\.(qcow2|raw|img)$/, "");

export async function scan(opts: ScanOptions): Promise<ScanOutput> {
  const now = opts.now ?? Date.now;
  const progress = opts.progress ?? (() => {});
  const startedAt = now();
  const t0 = performance.now();
  let st;
  try {
    st = statSync(opts.artifact);
  } catch {
    throw new RefusedError(`${opts.artifact}: no such file or directory`);
  }
  // Loop devices, read-only mounts, network namespaces (also for loading the firewall rules) need root.
  if (process.getuid?.() !== 0) throw new RefusedError("scanning needs root (loop devices, read-only mounts, network namespaces); run it as root or in CI");
  const timings: Record<string, number> = {};
  const outcomes: Outcome[] = [];
  let dyn: DynamicResult | undefined;
  let oscap: ScanReport["oscap"];
  let artifact: ScanReport["artifact"];
  const tools = toolVersions(["apt", "nft", "qemu-img", "oscap"]);
  const staticChecks = async (rootfs: string, size: number, what: string) => {
    const r = runStaticChecks({ rootfs, spec: opts.spec, size: { bytes: size, what }, ...(opts.aptSources ? { aptSources: opts.aptSources } : {}), ...(opts.aptCache ? { aptCache: opts.aptCache } : {}), progress });
    outcomes.push(...r.outcomes);
    Object.assign(timings, r.timings);
    const t = performance.now();
    oscap = runOscap(rootfs, opts.spec);
    timings["static.oscap"] = round(performance.now() - t);
  };

  if (st.isDirectory()) {
    const size = directorySize(opts.artifact);
    artifact = { file: basename(opts.artifact), kind: "rootfs", size };
    await staticChecks(opts.artifact, size, `root filesystem ${basename(opts.artifact)}`);
  } else {
    const info = inspectArtifact(opts.artifact);
    let t = performance.now();
    const { sha512 } = await sha512File(opts.artifact);
    timings["sha512"] = round(performance.now() - t);
    artifact = { file: basename(opts.artifact), kind: info.kind, size: info.size, virtual_size: info.virtualSize, sha512 };
    t = performance.now();
    await withMountedRoot(opts.artifact, info, (rootfs) => staticChecks(rootfs, info.size, basename(opts.artifact)), progress);
    timings["static.total"] = round(performance.now() - t);
    if (!opts.staticOnly) {
      if (!opts.dynamic) throw new RefusedError("booting the image is not available in this build; use --static-only");
      t = performance.now();
      dyn = await opts.dynamic(opts.artifact, info, opts.spec, progress);
      outcomes.push(...dyn.outcomes);
      Object.assign(timings, dyn.timings);
      Object.assign(tools, dyn.tools);
      timings["dynamic.total"] = round(performance.now() - t);
    }
  }
  timings["total"] = round(performance.now() - t0);

  const version = opts.version ?? /-(\d{8}(?:\.\d{1,3})?)(?:\.(?:qcow2|raw|img))?$/.exec(basename(opts.artifact))?.[1];
  const report = buildReport({
    appliance: opts.spec.id,
    ...(version ? { version } : {}),
    artifact,
    scope: dyn ? "full" : "static",
    outcomes,
    waivers: opts.spec.scan?.waivers ?? [],
    startedAt,
    finishedAt: now(),
    tools,
    timings,
    ...(dyn?.lynis ? { lynis: dyn.lynis } : {}),
    ...(dyn?.nmap ? { nmap: dyn.nmap } : {}),
    ...(oscap ? { oscap } : {}),
  });
  const errors = validateData("scan-report.schema.json", report, "scan report");
  if (errors.length > 0) throw new InvalidInputError(errors, "the scan report does not match schemas/scan-report.schema.json");

  const base = reportBase(opts.artifact);
  const files = { json: join(opts.outDir, `${base}.scan.json`), markdown: join(opts.outDir, `${base}.scan.md`), sarif: join(opts.outDir, `${base}.scan.sarif`) };
  const jsonText = toJsonText(report);
  const sha = createHash("sha512").update(jsonText).digest("hex");
  writeFileAtomic(files.sarif, toJsonText(renderSarif(report, opts.specFile, SCANNER_VERSION)));
  writeFileAtomic(files.markdown, renderMarkdown(report, basename(files.json)));
  writeFileAtomic(files.json, jsonText);
  return { report, summary: scanSummary(report, basename(files.json), sha), files };
}

const round = (ms: number) => Math.round(ms) / 1000;

/** Apparent size of a root filesystem directory (what an archive of it would hold). */
function directorySize(dir: string): number {
  let total = 0;
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop()!;
    for (const name of readdirSync(d)) {
      const s = lstatSync(join(d, name));
      if (s.isDirectory()) stack.push(join(d, name));
      else if (s.isFile()) total += s.size;
    }
  }
  return total;
}
