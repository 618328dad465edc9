// The rebuild rule of the seed procedure, "a security update of the base system OR monthly": which
// appliances the scheduled job rebuilds today, and whether a rebuilt version is worth a pull request.
//  - update_policy.rebuild "on-request": never on schedule.
//  - the newest build is max_age_days old or older ("monthly"): rebuild, and always propose the result.
//  - "security-or-monthly" and younger: rebuild to check (the build installs every update from the
//    archive, security pocket included); propose the result only when its installed packages differ
//    from the newest build's (packages.sha512 of the manifest with exact versions).
// Pure: the repository and the time in, a plan out.
import type { ReleaseRecord } from "../model/types.js";
import type { Repository } from "../repo/load.js";
import { DAY_MS, parseTime } from "../util/time.js";

export interface RebuildItem {
  appliance: string;
  reason: "age" | "security-check" | "no-build-yet";
  /** The newest build record's version, if any. */
  last?: string;
  age_days?: number;
  max_age_days: number;
}

export function newestRelease(repo: Repository, appliance: string): ReleaseRecord | undefined {
  const releases = [...(repo.releases.get(appliance)?.values() ?? [])].map((l) => l.data);
  return releases.sort((a, b) => parseTime(b.built_at) - parseTime(a.built_at) || b.version.localeCompare(a.version))[0];
}

export function rebuildPlan(repo: Repository, now: number): RebuildItem[] {
  const out: RebuildItem[] = [];
  for (const appliance of [...repo.images.keys()].sort()) {
    const policy = repo.images.get(appliance)!.data.update_policy;
    if (policy.rebuild === "on-request") continue;
    const last = newestRelease(repo, appliance);
    const base = { appliance, max_age_days: policy.max_age_days };
    if (!last) {
      out.push({ ...base, reason: "no-build-yet" });
      continue;
    }
    const age = Math.floor((now - parseTime(last.built_at)) / DAY_MS);
    const item = { ...base, last: last.version, age_days: age };
    if (age >= policy.max_age_days) out.push({ ...item, reason: "age" });
    else if (policy.rebuild === "security-or-monthly") out.push({ ...item, reason: "security-check" });
  }
  return out;
}

export interface BuiltVerdict {
  propose: boolean;
  why: string;
}

/** Whether a fresh build (its record) should be proposed as a new release. */
export function judgeBuild(item: RebuildItem, previous: ReleaseRecord | undefined, built: ReleaseRecord): BuiltVerdict {
  if (!previous || item.reason === "no-build-yet") return { propose: true, why: "first build of the appliance" };
  if (item.reason === "age") return { propose: true, why: `the newest build (${previous.version}) is ${item.age_days} days old, the limit is ${item.max_age_days}` };
  if (built.packages.sha512 !== previous.packages.sha512) {
    return { propose: true, why: `installed packages differ from ${previous.version} (${previous.packages.count} -> ${built.packages.count} packages): updates, security updates included` };
  }
  return { propose: false, why: `same packages as ${previous.version}: no update to ship` };
}
