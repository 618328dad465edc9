import { resolve } from "node:path";
import type { Command } from "../command.js";
import { parse, required } from "../args.js";
import { UsageError } from "../../util/diagnostic.js";
import { buildAppliance, buildSummary } from "../../build/index.js";

export const buildCommand: Command = {
  name: "build",
  summary: "build an appliance's image (qcow2, OVA, package list, SBOM) and write its build record",
  usage: "vmendorse build <appliance> --out DIR [--root DIR] [--version YYYYMMDD[.N]] [--deb-cache DIR] [--json]",
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      out: { type: "string" },
      root: { type: "string" },
      version: { type: "string" },
      "deb-cache": { type: "string" },
      json: { type: "boolean" },
    }, true);
    if (positionals.length !== 1) throw new UsageError("name exactly one appliance (a folder under images/)");
    const root = resolve(io.cwd, values.root ?? ".");
    const outDir = resolve(io.cwd, required(values.out, "--out"));
    const r = await buildAppliance({
      root,
      appliance: positionals[0]!,
      outDir,
      env: io.env,
      progress: io.progress,
      ...(values.version !== undefined ? { version: values.version } : {}),
      ...(values["deb-cache"] ? { debCache: resolve(io.cwd, values["deb-cache"]) } : {}),
    });
    if (values.json) {
      io.out(JSON.stringify({ appliance: r.record.appliance, version: r.record.version, duration_s: r.durationS, record: r.recordFile, files: r.files, size: r.size }, null, 2));
    } else {
      for (const l of buildSummary(r, root)) io.out(l);
    }
    if (!r.size.ok) io.err(`warning: the image is larger than ${r.size.limitMb} MiB (the seed procedure recommends below 1.5 GB)`);
    return 0;
  },
};
