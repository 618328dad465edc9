// `vmendorse publish`: artifacts first, the list last.
//   1. everything is checked locally before the first byte goes out: the build records and their files
//      (sizes, SHA-512), the list (schema; the bundle signs these bytes), and that the list's entries for
//      the releases being published name exactly these artifacts;
//   2. artifacts to each appliance repository (folder, HTTP, OCI registry), each read back and re-hashed;
//   3. AppDB registration (it points at the artifacts' URLs, so only once they are in place);
//   4. the signed list and its companions to each list target, imagelist.json itself last.
// Each publisher skips what is already there with the right digest, so after any failure a rerun
// completes the job without duplicates; transient errors are retried with backoff, a bounded number of times.
import { loadRepository } from "../repo/load.js";
import { RefusedError, UsageError } from "../util/diagnostic.js";
import type { Trust } from "../verify/signature.js";
import type { Outcome, PublishContext } from "./context.js";
import { findRelease, planRelease, type ReleasePlan } from "./plan.js";
import { readListSet, type ListSet } from "./list-files.js";
import { describeTarget, takesArtifacts, takesList, type Target } from "./targets.js";
import type { RetryPolicy } from "./retry.js";
import { publishListToDir, publishReleaseToDir } from "./dir.js";
import { publishListToHttp, publishReleaseToHttp } from "./http-repo.js";
import { publishReleaseToOci, type OciPushed } from "./oci/publish.js";
import { registerInAppdb, type AppdbOptions } from "./appdb/publish.js";
import type { AppdbVersion } from "./appdb/appliance.js";
import { publishListToGithub, type GithubOptions, type GithubResult } from "./github/release.js";

export interface PublishOptions {
  root: string;
  /** Build records (paths inside the repository) whose artifacts to publish. */
  releases: string[];
  artifactDirs: string[];
  /** Folder with imagelist.json, its bundle, hepix/ and reports/. */
  listDir?: string;
  /** When given, the list's signature is verified with it before publishing. */
  trust?: Trust;
  targets: Target[];
  appdb?: AppdbOptions;
  github?: GithubOptions;
  retry: RetryPolicy;
  env: NodeJS.ProcessEnv;
  progress: (line: string) => void;
}

export interface PublishReport {
  outcomes: Outcome[];
  releases: { appliance: string; version: string }[];
  serial?: number;
  oci: OciPushed[];
  appdb: AppdbVersion[];
  github?: GithubResult;
}

/** The list's entries for a release must name exactly that release's artifacts. */
export function checkListAgainstReleases(set: ListSet, plans: ReleasePlan[]): void {
  for (const plan of plans) {
    const want = plan.release.artifacts.map((a) => `${a.format} ${a.sha512} ${a.size}`).sort().join("\n");
    for (const [vo, { images }] of Object.entries(set.list.vos)) {
      for (const e of images.filter((i) => i.appliance === plan.appliance && i.version === plan.version)) {
        const got = e.artifacts.map((a) => `${a.format} ${a.sha512} ${a.size}`).sort().join("\n");
        if (got !== want) throw new RefusedError(`the list's ${vo} entry for ${plan.appliance} ${plan.version} names other artifacts than ${plan.file}; compose again from this build record`, "publish.mismatch");
      }
    }
  }
}

export async function publish(opts: PublishOptions): Promise<PublishReport> {
  const artifactTargets = opts.targets.filter(takesArtifacts);
  const appdbTargets = opts.targets.filter((t): t is Extract<Target, { kind: "appdb" }> => t.kind === "appdb");
  const listTargets = opts.targets.filter(takesList);
  if (opts.releases.length === 0 && !opts.listDir) throw new UsageError("nothing to publish: give --release FILE (with --artifacts DIR) and/or --list DIR");
  if (opts.releases.length > 0 && artifactTargets.length === 0 && appdbTargets.length === 0) throw new UsageError("--release needs an appliance repository (--to dir:, http:, oci:) or appdb:");
  if (opts.releases.length > 0 && opts.artifactDirs.length === 0) throw new UsageError("--release needs --artifacts DIR (the folder holding the built files)");
  if (opts.listDir && listTargets.length === 0) throw new UsageError("--list needs a target that takes lists (--to dir:, http: or github:)");
  for (const t of opts.targets) {
    if (!opts.listDir && t.kind === "github") throw new UsageError(`${describeTarget(t)} takes the list only; add --list DIR`);
    if (opts.releases.length === 0 && (t.kind === "oci" || t.kind === "appdb")) throw new UsageError(`${describeTarget(t)} takes releases only; add --release FILE`);
  }

  // 1. Local checks, all before the first upload.
  const plans: ReleasePlan[] = [];
  let sourceUrl = "";
  if (opts.releases.length > 0) {
    const { repo, diagnostics } = loadRepository(opts.root);
    sourceUrl = repo.config?.data.repository.url ?? "";
    for (const file of opts.releases) {
      const { release, image } = findRelease(repo, diagnostics, file);
      opts.progress(`checking ${release.file}: hashing its files`);
      plans.push(await planRelease(release, image, opts.artifactDirs));
    }
  }
  const set = opts.listDir ? readListSet(opts.listDir, opts.trust) : undefined;
  if (set) checkListAgainstReleases(set, plans);

  const ctx: PublishContext = { retry: opts.retry, progress: opts.progress, env: opts.env, outcomes: [] };
  const report: PublishReport = { outcomes: ctx.outcomes, releases: plans.map((p) => ({ appliance: p.appliance, version: p.version })), oci: [], appdb: [], ...(set ? { serial: set.serial } : {}) };

  // 2. Artifacts.
  for (const plan of plans) {
    for (const t of artifactTargets) {
      opts.progress(`publishing ${plan.appliance} ${plan.version} to ${describeTarget(t)}`);
      if (t.kind === "dir") await publishReleaseToDir(plan, t, ctx);
      else if (t.kind === "http") await publishReleaseToHttp(plan, t, ctx);
      else if (t.kind === "oci") report.oci.push(...(await publishReleaseToOci(plan, t, sourceUrl, ctx)));
    }
  }
  // 3. AppDB.
  for (const plan of plans) {
    for (const t of appdbTargets) {
      opts.progress(`registering ${plan.appliance} ${plan.version} in ${describeTarget(t)}`);
      report.appdb.push(await registerInAppdb(plan, t, opts.appdb ?? { apps: {} }, ctx));
    }
  }
  // 4. The list, last.
  if (set) {
    for (const t of listTargets) {
      opts.progress(`publishing list serial ${set.serial} to ${describeTarget(t)}`);
      if (t.kind === "dir") await publishListToDir(set, t, ctx);
      else if (t.kind === "http") await publishListToHttp(set, t, ctx);
      else if (t.kind === "github") report.github = await publishListToGithub(set, t, opts.github ?? { apiUrl: "https://api.github.com" }, ctx);
    }
  }
  return report;
}
