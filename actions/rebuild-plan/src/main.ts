import { core, inputs, runAction, summary } from "../../../src/action/run.js";
import { loadRepository } from "../../../src/repo/load.js";
import { InvalidInputError, UsageError } from "../../../src/util/diagnostic.js";
import { judgeBuild, newestRelease, rebuildPlan } from "../../../src/rebuild/plan.js";

await runAction("rebuild-plan", async () => {
  const { repo, diagnostics } = loadRepository(inputs.path("root", "."));
  if (diagnostics.length > 0) throw new InvalidInputError(diagnostics);
  const now = inputs.now();
  const built = inputs.optional("built");
  if (!built) {
    const plan = rebuildPlan(repo, now);
    core.setOutput("matrix", JSON.stringify({ include: plan }));
    core.setOutput("count", String(plan.length));
    await summary(["### Rebuild plan", "", ...plan.map((p) => `- ${p.appliance}: ${p.reason}${p.last ? ` (newest ${p.last}, ${p.age_days} days old, limit ${p.max_age_days})` : ""}`), ""].join("\n"));
    return;
  }
  const m = /^([^@]+)@([^@]+)$/.exec(built);
  const record = m ? repo.releases.get(m[1]!)?.get(m[2]!)?.data : undefined;
  if (!m || !record) throw new UsageError(`built: no build record for "${built}" (<appliance>@<version>)`);
  repo.releases.get(m[1]!)!.delete(m[2]!);
  const item = rebuildPlan(repo, now).find((p) => p.appliance === m[1]) ?? { appliance: m[1]!, reason: "security-check" as const, max_age_days: 0 };
  const verdict = judgeBuild(item, newestRelease(repo, m[1]!), record);
  core.setOutput("propose", String(verdict.propose));
  core.setOutput("why", verdict.why);
  await summary(`### ${built}: ${verdict.propose ? "propose" : "discard"}\n\n${verdict.why}\n`);
});
