import { appendFileSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "../command.js";
import { parse, parseNow } from "../args.js";
import { RefusedError, UsageError } from "../../util/diagnostic.js";
import { loadImageSpec } from "../../scan/image-spec.js";
import { scan } from "../../scan/index.js";
import { recordScanSummary } from "../../scan/record.js";
import { dynamicRunner } from "../../scan/dynamic/index.js";

export const scanCommand: Command = {
  name: "scan",
  summary: "run the security checklist on an image (static checks, boot + nmap + lynis) and write its report",
  usage: "vmendorse scan <artifact.qcow2|artifact.raw|rootfs-dir> --image APPLIANCE --out DIR [--root DIR] [--version V] [--static-only] [--record] [--now ISO] [--json]",
  async run(argv, io) {
    const { values, positionals } = parse(
      argv,
      {
        image: { type: "string" },
        out: { type: "string" },
        root: { type: "string" },
        version: { type: "string" },
        "static-only": { type: "boolean" },
        now: { type: "string" },
        json: { type: "boolean" },
        record: { type: "boolean" },
      },
      true,
    );
    if (positionals.length !== 1) throw new UsageError("exactly one artifact (qcow2, raw, or a root filesystem directory) is required");
    if (!values.image) throw new UsageError("--image is required");
    if (!values.out) throw new UsageError("--out is required");
    if (values.version !== undefined && !/^\d{8}(\.\d{1,3})?$/.test(values.version)) throw new UsageError(`--version: "${values.version}" is not YYYYMMDD[.N]`);
    const fixedNow = values.now !== undefined ? parseNow(values.now).getTime() : undefined;
    const root = resolve(io.cwd, values.root ?? ".");
    const { spec, file } = loadImageSpec(root, values.image);
    // Ctrl-C or a CI cancel: exit through process.exit so that the VM, the network namespace and the
    // mounts are removed by their exit hooks.
    for (const [sig, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) process.once(sig, () => process.exit(code));
    const r = await scan({
      artifact: resolve(io.cwd, positionals[0]!),
      spec,
      specFile: file,
      outDir: resolve(io.cwd, values.out),
      ...(values.version ? { version: values.version } : {}),
      staticOnly: values["static-only"] ?? false,
      dynamic: dynamicRunner,
      aptCache: join(root, ".vmendorse", "cache", "apt-lists"),
      ...(fixedNow !== undefined ? { now: () => fixedNow } : {}),
      progress: io.progress,
    });
    // --record: the summary goes into the release record (also when the image failed: that is history too).
    let recorded: string | undefined;
    if (values.record) {
      if (!r.report.version) throw new UsageError("--record needs the version (from the artifact's name or --version)");
      if (r.report.scope !== "full") throw new RefusedError("--record: a static-only scan is not the whole checklist (no boot, nmap, lynis); the release record keeps full scans only");
      recorded = recordScanSummary(root, spec.id, r.report.version, r.summary);
    }
    const md = readFileSync(r.files.markdown, "utf8");
    // In GitHub Actions the Markdown report becomes the job summary.
    if (io.env.GITHUB_STEP_SUMMARY) appendFileSync(io.env.GITHUB_STEP_SUMMARY, md);
    if (values.json) {
      io.out(JSON.stringify({ summary: r.summary, files: r.files, timings: r.report.timings, ...(recorded ? { recorded } : {}) }, null, 2));
    } else {
      for (const c of r.report.checks) {
        io.out(`${c.status.padEnd(6)} ${c.id}${c.findings.length ? `: ${c.findings.map((f) => f.message).slice(0, 3).join("; ")}${c.findings.length > 3 ? `; (+${c.findings.length - 3})` : ""}` : ""}`);
      }
      io.out(`${r.report.result.toUpperCase()}: ${r.summary.passed} passed, ${r.summary.failed} failed, ${r.summary.waived} waived (${r.report.scope} scan of ${r.report.artifact.file})`);
      io.out(`scan time ${r.report.timings["total"]} s (${Object.entries(r.report.timings).filter(([k]) => k !== "total").map(([k, v]) => `${k} ${v} s`).join(", ")})`);
      for (const f of Object.values(r.files)) io.out(`  wrote ${f}`);
      io.out(`  report_sha512 ${r.summary.report_sha512}`);
      if (recorded) io.out(`  recorded the summary in ${recorded}`);
    }
    return r.report.result === "pass" ? 0 : 1;
  },
};
