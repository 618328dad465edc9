import { annotate, core, inputs, runAction, summary } from "../../../src/action/run.js";
import { validateRepository } from "../../../src/validate/index.js";
import { formatDiagnostic } from "../../../src/util/diagnostic.js";

await runAction("validate", async () => {
  const { diagnostics, counts } = validateRepository(inputs.path("root", "."), inputs.now());
  core.setOutput("valid", String(diagnostics.length === 0));
  core.setOutput("problems", String(diagnostics.length));
  const what = `${counts.images} images, ${counts.releases} releases, ${counts.vos} VOs, ${counts.endorsements} endorsements, ${counts.revocations} revocations`;
  if (diagnostics.length === 0) {
    core.info(`valid: ${what}`);
    await summary(`### Validation: ✅ valid\n\n${what}\n`);
    return;
  }
  annotate(diagnostics);
  const lines = diagnostics.map((d) => `- \`${formatDiagnostic(d).replace(/`/g, "'")}\``);
  await summary(`### Validation: ❌ ${diagnostics.length} problem(s)\n\n${lines.join("\n")}\n`);
  core.setFailed(`validate: ${diagnostics.length} problem(s); see the annotations`);
});
