import { describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { copyRepo } from "../compose/repo-copy.js";
import { vmendorse } from "../cli/run-cli.js";
import { loadRepository } from "../../src/repo/load.js";
import { judgeBuild, newestRelease, rebuildPlan } from "../../src/rebuild/plan.js";

const PROJECT = join(import.meta.dirname, "..", "..");

describe("rebuild plan: security update OR monthly", () => {
  it("rebuilds to check for updates daily, and for age once the newest build reaches max_age_days", () => {
    const { repo } = loadRepository(PROJECT);
    const early = rebuildPlan(repo, Date.parse("2026-11-23T12:00:00Z"));
    expect(early.map((p) => [p.appliance, p.reason])).toEqual([...repo.images.keys()].sort().map((a) => [a, "security-check"]));
    // egi.almalinux.9's newest build is 2026-11-04T03:12:44Z: 31 days later it is due for age.
    const late = rebuildPlan(repo, Date.parse("2026-12-05T04:00:00Z"));
    expect(late.find((p) => p.appliance === "egi.almalinux.9")).toEqual({ appliance: "egi.almalinux.9", reason: "age", last: "20261104", age_days: 31, max_age_days: 31 });
    expect(late.find((p) => p.appliance === "egi.debian.12")?.reason).toBe("security-check");
  });

  it("on-request images are never rebuilt on schedule; monthly ones only for age; no build yet is due", () => {
    const { repo } = loadRepository(PROJECT);
    repo.images.get("egi.debian.12")!.data.update_policy.rebuild = "on-request";
    repo.images.get("egi.ubuntu.24.04")!.data.update_policy.rebuild = "monthly";
    repo.releases.delete("biomed.galaxy");
    const plan = rebuildPlan(repo, Date.parse("2026-11-23T12:00:00Z"));
    expect(plan.map((p) => p.appliance)).not.toContain("egi.debian.12");
    expect(plan.map((p) => p.appliance)).not.toContain("egi.ubuntu.24.04");
    expect(plan.find((p) => p.appliance === "biomed.galaxy")?.reason).toBe("no-build-yet");
  });

  it("a fresh build is proposed when its packages differ or the old one is too old", () => {
    const { repo } = loadRepository(PROJECT);
    const prev = newestRelease(repo, "egi.debian.12")!;
    expect(prev.version).toBe("20261117");
    const same = { ...prev, version: "20261201" };
    const changed = { ...prev, version: "20261201", packages: { ...prev.packages, sha512: "0".repeat(128) } };
    const check = { appliance: "egi.debian.12", reason: "security-check" as const, last: prev.version, age_days: 14, max_age_days: 31 };
    expect(judgeBuild(check, prev, same).propose).toBe(false);
    expect(judgeBuild(check, prev, changed)).toMatchObject({ propose: true });
    expect(judgeBuild({ ...check, reason: "age", age_days: 31 }, prev, same)).toEqual({ propose: true, why: "the newest build (20261117) is 31 days old, the limit is 31" });
  });

  it("CLI: --json plan for a workflow matrix; --built judges the new record against the newest before it", () => {
    const plan = vmendorse(["rebuild-plan", "--root", PROJECT, "--now", "2026-12-05T04:00:00Z", "--json"]);
    expect(plan.code).toBe(0);
    expect(JSON.parse(plan.stdout).include.find((p: { appliance: string }) => p.appliance === "egi.almalinux.9").reason).toBe("age");

    const root = copyRepo();
    const dir = join(root, "images", "egi.debian.12", "releases");
    const text = readFileSync(join(dir, "20261117.yaml"), "utf8").replace(/20261117/g, "20261201").replace("2026-11-17T03:12:44Z", "2026-12-01T03:00:00Z");
    writeFileSync(join(dir, "20261201.yaml"), text);
    const now = "2026-12-01T05:00:00Z";
    const same = vmendorse(["rebuild-plan", "--root", root, "--now", now, "--built", "egi.debian.12@20261201"]);
    expect(same.stdout.trim()).toBe("discard: same packages as 20261117: no update to ship");
    writeFileSync(join(dir, "20261201.yaml"), text.replace(/(packages:\n  count: )312(\n  manifest: .*\n  sha512: )[0-9a-f]+/, `$1314$2${"a".repeat(128)}`));
    const changed = vmendorse(["rebuild-plan", "--root", root, "--now", now, "--built", "egi.debian.12@20261201", "--json"]);
    expect(changed.stderr).toBe("");
    expect(changed.code).toBe(0);
    expect(JSON.parse(changed.stdout)).toEqual({ propose: true, why: "installed packages differ from 20261117 (312 -> 314 packages): updates, security updates included" });
    expect(vmendorse(["rebuild-plan", "--root", root, "--built", "egi.debian.12@20990101"]).code).toBe(2);
  });
});
