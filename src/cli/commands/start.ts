import { resolve } from "node:path";
import type { Command } from "../command.js";
import { parse, parseNow } from "../args.js";
import { runMainJob } from "../../job/main-job.js";

export const startCommand: Command = {
  name: "start",
  summary: "the main job on a repository (`npm start`): validate, compose, sign (local key), verify, catalogue, publish (local folder), summary",
  usage: "vmendorse start [--root DIR] [--out DIR] [--now ISO]",
  async run(argv, io) {
    const { values } = parse(argv, { root: { type: "string" }, out: { type: "string" }, now: { type: "string" } });
    const root = resolve(io.cwd, values.root ?? ".");
    const ok = await runMainJob({ root, outDir: resolve(root, values.out ?? "out"), now: parseNow(values.now).getTime() }, io);
    return ok ? 0 : 1;
  },
};
