// The main job (`npm start`): on a repository's own data with embedded defaults, validate, compose,
// sign with the local key, verify as a site would, and print a summary a person can read.
import type { Io } from "../cli/command.js";
import { validateRepository } from "../validate/index.js";
import { composeRepository, type ComposeOutput } from "../compose/index.js";
import { formatDiagnostic } from "../util/diagnostic.js";
import type { Repository } from "../repo/load.js";
import { formatSummary, runSteps } from "./steps.js";
import { writeCatalogueFiles } from "../catalogue/index.js";
import { join } from "node:path";

export interface MainJobOptions {
  root: string;
  outDir: string;
  now: number;
}

export async function runMainJob(opts: MainJobOptions, io: Io): Promise<boolean> {
  let composed: ComposeOutput | undefined;
  let repo: Repository | undefined;
  const results = await runSteps(io, [
    {
      name: "validate",
      run: () => {
        const v = validateRepository(opts.root, opts.now);
        if (v.diagnostics.length > 0) throw new Error(v.diagnostics.map(formatDiagnostic).join("\n"));
        repo = v.repo;
        const counts = v.counts;
        return `${counts.images} images, ${counts.releases} releases, ${counts.vos} VOs, ${counts.endorsements} endorsements, ${counts.revocations} revocations`;
      },
    },
    {
      name: "compose",
      run: () => {
        composed = composeRepository({ root: opts.root, outDir: opts.outDir, now: opts.now, ...(repo ? { validated: repo } : {}) });
        const l = composed.list;
        const perVo = Object.entries(l.vos).map(([vo, { images }]) => `${vo}: ${images.map((i) => `${i.appliance} ${i.version}`).join(", ") || "none"}`);
        const left = composed.skipped.map((s) => `left out ${s.vo} ${s.appliance} ${s.version}: ${s.reason.slice(0, 100)}`);
        return [`serial ${l.serial}, issued ${l.issued}, expires ${l.expires}`, ...perVo, `revoked: ${l.revoked.map((r) => `${r.appliance}@${r.version}`).join(", ") || "none"}`, ...left].join("\n");
      },
    },
    {
      name: "catalogue",
      run: () => {
        const c = writeCatalogueFiles({ list: join(opts.outDir, "imagelist.json"), outDir: join(opts.outDir, "catalogue"), now: opts.now, root: opts.root });
        return `${c.page} (${c.bytes} bytes, ${c.images} endorsements, ${c.revoked} revoked)`;
      },
    },
  ]);
  io.out(formatSummary(results));
  const ok = results.every((r) => r.ok) && results.length === 3;
  io.out(ok ? `\nAll steps passed. Outputs in ${opts.outDir}` : `\nStopped at the failed step; nothing after it ran.`);
  return ok;
}
