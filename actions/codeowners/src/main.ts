import { core, inputs, runAction, summary } from "../../../src/action/run.js";
import { loadRepository } from "../../../src/repo/load.js";
import { InvalidInputError } from "../../../src/util/diagnostic.js";
import { checkCodeowners, CODEOWNERS_PATH, writeCodeowners } from "../../../src/codeowners/file.js";
import { describeDrift } from "../../../src/codeowners/generate.js";

await runAction("codeowners", async () => {
  const root = inputs.path("root", ".");
  const { repo, diagnostics } = loadRepository(root);
  if (diagnostics.length > 0) throw new InvalidInputError(diagnostics);
  const state = checkCodeowners(repo);
  const ok = state.found !== undefined && state.drift === undefined;
  if (!inputs.flag("check", true)) {
    if (!ok) writeCodeowners(root, state.expected);
    core.setOutput("in-sync", "true");
    core.info(ok ? `${CODEOWNERS_PATH} is up to date` : `wrote ${CODEOWNERS_PATH}`);
    return;
  }
  core.setOutput("in-sync", String(ok));
  if (ok) {
    core.info(`${CODEOWNERS_PATH} is in sync`);
    await summary(`### CODEOWNERS: ✅ in sync\n`);
    return;
  }
  const why = state.drift ? describeDrift(state.drift) : "the file is missing";
  core.error(`out of sync: ${why}; run \`vmendorse codeowners\` and commit the result`, { title: "vmendorse: codeowners.drift", file: CODEOWNERS_PATH, ...(state.drift ? { startLine: state.drift.line } : {}) });
  await summary(`### CODEOWNERS: ❌ out of sync\n\n${why}. Run \`npx vmendorse codeowners\` and commit \`${CODEOWNERS_PATH}\`.\n`);
  core.setFailed(`codeowners: ${CODEOWNERS_PATH} is out of sync: ${why}`);
});
