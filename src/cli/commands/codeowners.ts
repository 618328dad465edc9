import { resolve } from "node:path";
import type { Command } from "../command.js";
import { parse } from "../args.js";
import { loadRepository } from "../../repo/load.js";
import { InvalidInputError, RefusedError } from "../../util/diagnostic.js";
import { checkCodeowners, CODEOWNERS_PATH, writeCodeowners } from "../../codeowners/file.js";
import { describeDrift } from "../../codeowners/generate.js";

export const codeownersCommand: Command = {
  name: "codeowners",
  summary: "write .github/CODEOWNERS from the endorsers, maintainers and CSIRT team (--check: fail on drift)",
  usage: "vmendorse codeowners [--root DIR] [--check] [--stdout]",
  async run(argv, io) {
    const { values } = parse(argv, { root: { type: "string" }, check: { type: "boolean" }, stdout: { type: "boolean" } });
    const root = resolve(io.cwd, values.root ?? ".");
    const { repo, diagnostics } = loadRepository(root);
    // Owners taken from a half-loaded repository would silently drop a VO or an image.
    if (diagnostics.length > 0) throw new InvalidInputError(diagnostics, "the repository has invalid files; fix them first (vmendorse validate)");
    const state = checkCodeowners(repo);
    if (values.stdout) {
      io.out(state.expected.trimEnd());
      return 0;
    }
    if (values.check) {
      if (state.found === undefined) throw new RefusedError(`${CODEOWNERS_PATH} is missing; run \`vmendorse codeowners\` and commit it`);
      if (state.drift) throw new RefusedError(`${CODEOWNERS_PATH} is out of sync: ${describeDrift(state.drift)}; run \`vmendorse codeowners\` and commit it`);
      io.out(`${CODEOWNERS_PATH} is in sync (${state.expected.split("\n").filter((l) => l.startsWith("/")).length} rules)`);
      return 0;
    }
    if (state.found !== undefined && !state.drift) {
      io.out(`${CODEOWNERS_PATH} is already up to date`);
      return 0;
    }
    writeCodeowners(root, state.expected);
    io.out(`wrote ${CODEOWNERS_PATH}${state.drift ? ` (was out of sync at ${describeDrift(state.drift)})` : ""}`);
    return 0;
  },
};
