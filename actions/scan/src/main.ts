import { runCliStep, toArgv } from "../../../src/action/cli-step.js";
import { core } from "../../../src/action/run.js";

const flag = (name: string) => core.getInput(name) === "true";
await runCliStep("scan", [
  core.getInput("artifact", { required: true }),
  ...toArgv([
    ["--image", core.getInput("image", { required: true })],
    ["--out", core.getInput("out", { required: true })],
    ["--root", core.getInput("root") || undefined],
    ["--version", core.getInput("version") || undefined],
    ["--static-only", flag("static-only")],
    ["--record", flag("record")],
  ]),
]);
