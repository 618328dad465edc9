import { runCliStep, toArgv } from "../../../src/action/cli-step.js";
import { core } from "../../../src/action/run.js";

// Multi-line inputs (release, artifacts, to, appdb-app) give one option per line.
await runCliStep("publish", toArgv([
  ["--root", core.getInput("root") || undefined],
  ["--release", core.getInput("release") || undefined],
  ["--artifacts", core.getInput("artifacts") || undefined],
  ["--list", core.getInput("list") || undefined],
  ["--key", core.getInput("key") || undefined],
  ["--to", core.getInput("to") || undefined],
  ["--appdb-app", core.getInput("appdb-app") || undefined],
  ["--github-api", core.getInput("github-api") || undefined],
  ["--retries", core.getInput("retries") || undefined],
]));
