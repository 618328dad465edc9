import { resolve } from "node:path";
import type { Command } from "../command.js";
import { parse, parseNow } from "../args.js";
import { loadRepository } from "../../repo/load.js";
import { InvalidInputError, UsageError } from "../../util/diagnostic.js";
import { judgeBuild, newestRelease, rebuildPlan } from "../../rebuild/plan.js";

export const rebuildPlanCommand: Command = {
  name: "rebuild-plan",
  summary: "which appliances the schedule rebuilds (security update OR monthly); --built: is a fresh build worth a PR",
  usage: "vmendorse rebuild-plan [--root DIR] [--now ISO] [--json] [--built <appliance>@<version> --previous VERSION]",
  async run(argv, io) {
    const { values } = parse(argv, { root: { type: "string" }, now: { type: "string" }, json: { type: "boolean" }, built: { type: "string" }, previous: { type: "string" } });
    const root = resolve(io.cwd, values.root ?? ".");
    const { repo, diagnostics } = loadRepository(root);
    if (diagnostics.length > 0) throw new InvalidInputError(diagnostics);
    const now = parseNow(values.now).getTime();
    if (values.built === undefined) {
      const plan = rebuildPlan(repo, now);
      if (values.json) io.out(JSON.stringify({ include: plan }));
      else for (const p of plan) io.out(`${p.appliance}: ${p.reason}${p.last ? ` (newest ${p.last}, ${p.age_days} days old, limit ${p.max_age_days})` : ""}`);
      return 0;
    }
    // After `vmendorse build` wrote the new record: compare it with the newest one before it.
    const m = /^([^@]+)@([^@]+)$/.exec(values.built);
    if (!m) throw new UsageError("--built takes <appliance>@<version>");
    const [, appliance, version] = m as unknown as [string, string, string];
    const built = repo.releases.get(appliance)?.get(version)?.data;
    if (!built) throw new UsageError(`no build record images/${appliance}/releases/${version}.yaml`);
    const before = values.previous ? repo.releases.get(appliance)?.get(values.previous)?.data : undefined;
    if (values.previous && !before) throw new UsageError(`no build record images/${appliance}/releases/${values.previous}.yaml`);
    // Without --previous: the planner's view of the repository as it was, i.e. without the new record.
    repo.releases.get(appliance)!.delete(version);
    const previous = before ?? newestRelease(repo, appliance);
    const item = rebuildPlan(repo, now).find((p) => p.appliance === appliance) ?? { appliance, reason: "security-check" as const, max_age_days: 0 };
    const verdict = judgeBuild(item, previous, built);
    io.out(values.json ? JSON.stringify(verdict) : `${verdict.propose ? "propose" : "discard"}: ${verdict.why}`);
    return 0;
  },
};
