// The main job (`npm start`): on a repository's own data with embedded defaults, validate, compose,
// sign with the local key, verify as a site would, write the catalogue page, and print a summary.
import { join, relative } from "node:path";
import type { Io } from "../cli/command.js";
import { validateRepository } from "../validate/index.js";
import { composeRepository, type ComposeOutput } from "../compose/index.js";
import { formatDiagnostic } from "../util/diagnostic.js";
import type { Repository } from "../repo/load.js";
import { signFile, type SignResult } from "../sign/index.js";
import { DEFAULT_KEY_DIR, DEFAULT_KEY_FILE } from "../sign/local-key.js";
import { keyTrust } from "../verify/trust.js";
import { verifyList } from "../verify/index.js";
import { formatSummary, runSteps } from "./steps.js";
import { writeCatalogueFiles } from "../catalogue/index.js";
import type { VerificationResult } from "../catalogue/view.js";
import { isoSeconds } from "../util/time.js";
import { publish } from "../publish/index.js";
import { DEFAULT_RETRY } from "../publish/retry.js";

export interface MainJobOptions {
  root: string;
  outDir: string;
  now: number;
}

/** What the steps hand on to each other. */
interface JobState {
  repo?: Repository;
  composed?: ComposeOutput;
  signed?: SignResult;
  verified?: VerificationResult;
}

export async function runMainJob(opts: MainJobOptions, io: Io): Promise<boolean> {
  const s: JobState = {};
  const listFile = join(opts.outDir, "imagelist.json");
  const keyFile = join(opts.root, DEFAULT_KEY_DIR, DEFAULT_KEY_FILE);
  const steps = [
    {
      name: "validate",
      run: () => {
        const v = validateRepository(opts.root, opts.now);
        if (v.diagnostics.length > 0) throw new Error(v.diagnostics.map(formatDiagnostic).join("\n"));
        s.repo = v.repo;
        const c = v.counts;
        return `${c.images} images, ${c.releases} releases, ${c.vos} VOs, ${c.endorsements} endorsements, ${c.revocations} revocations`;
      },
    },
    {
      name: "compose",
      run: () => {
        s.composed = composeRepository({ root: opts.root, outDir: opts.outDir, now: opts.now, ...(s.repo ? { validated: s.repo } : {}) });
        const l = s.composed.list;
        const perVo = Object.entries(l.vos).map(([vo, { images }]) => `${vo}: ${images.map((i) => `${i.appliance} ${i.version}`).join(", ") || "none"}`);
        const left = s.composed.skipped.map((x) => `left out ${x.vo} ${x.appliance} ${x.version}: ${x.reason.slice(0, 100)}`);
        return [`serial ${l.serial}, issued ${l.issued}, expires ${l.expires}`, ...perVo, `revoked: ${l.revoked.map((r) => `${r.appliance}@${r.version}`).join(", ") || "none"}`, ...left].join("\n");
      },
    },
    {
      name: "sign",
      run: async () => {
        s.signed = await signFile(listFile, { kind: "key", keyFile, create: true });
        return `${s.signed.keyCreated ? "created local key " : "local key "}${DEFAULT_KEY_DIR}/${DEFAULT_KEY_FILE} -> ${relative(opts.root, s.signed.bundleFile)}`;
      },
    },
    {
      name: "verify",
      run: async () => {
        const r = await verifyList({
          listFile,
          bundleFile: s.signed!.bundleFile,
          trust: keyTrust(`${keyFile}.pub`),
          now: opts.now,
          stateFile: join(opts.root, ".vmendorse", "site-state.json"),
        });
        s.verified = {
          verified: true,
          identity: `${r.signer.kind} ${r.signer.identity}`,
          ...(r.signer.issuer ? { issuer: r.signer.issuer } : {}),
          reason: "verified by the main job as a site would",
          checked_at: isoSeconds(opts.now),
        };
        const prev = r.previousSerial !== undefined ? `, last seen ${r.previousSerial}` : "";
        return `as a site would: signature by ${r.signer.identity.slice(0, 23)}…, serial ${r.checked.list.serial}${prev}, ${r.checked.entries.length} usable entries, ${r.checked.revoked.length} revoked`;
      },
    },
    {
      name: "catalogue",
      run: () => {
        const c = writeCatalogueFiles({
          list: listFile,
          outDir: join(opts.outDir, "catalogue"),
          now: opts.now,
          root: opts.root,
          ...(s.signed ? { bundle: s.signed.bundleFile } : {}),
          ...(s.verified ? { verification: s.verified } : {}),
        });
        return `${c.page} (${c.bytes} bytes, ${c.images} endorsements, ${c.revoked} revoked)`;
      },
    },
    {
      // The local folder is the default appliance repository: the signed list goes there last.
      name: "publish",
      run: async () => {
        const target = join(opts.outDir, "repository");
        const r = await publish({ root: opts.root, releases: [], artifactDirs: [], listDir: opts.outDir, targets: [{ kind: "dir", path: target }], retry: DEFAULT_RETRY, env: {}, progress: () => {} });
        const up = r.outcomes.filter((o) => o.action === "uploaded").length;
        return `list serial ${r.serial} -> ${relative(opts.root, target) || target}: ${r.outcomes.length} files (${up} new, ${r.outcomes.length - up} unchanged), imagelist.json last`;
      },
    },
  ];
  const results = await runSteps(io, steps);
  io.out(formatSummary(results));
  const ok = results.every((r) => r.ok) && results.length === steps.length;
  io.out(ok ? `\nAll steps passed. Outputs in ${opts.outDir}` : `\nStopped at the failed step; nothing after it ran.`);
  return ok;
}
