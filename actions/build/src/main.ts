import { runCliStep, toArgv } from "../../../src/action/cli-step.js";
import { core } from "../../../src/action/run.js";

await runCliStep("build", [
  core.getInput("appliance", { required: true }),
  ...toArgv([
    ["--out", core.getInput("out", { required: true })],
    ["--root", core.getInput("root") || undefined],
    ["--version", core.getInput("version") || undefined],
    ["--deb-cache", core.getInput("deb-cache") || undefined],
  ]),
]);
