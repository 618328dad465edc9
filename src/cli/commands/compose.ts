import { resolve } from "node:path";
import type { Command } from "../command.js";
import { parse, parseNow, required } from "../args.js";
import { composeRepository } from "../../compose/index.js";

export const composeCommand: Command = {
  name: "compose",
  summary: "build imagelist.json and per-VO HEPiX lists of what is endorsed now",
  usage: "vmendorse compose --root DIR --out DIR [--now ISO] [--previous FILE] [--json]",
  async run(argv, io) {
    const { values } = parse(argv, {
      root: { type: "string" },
      out: { type: "string" },
      now: { type: "string" },
      previous: { type: "string" },
      json: { type: "boolean" },
    });
    const root = resolve(io.cwd, values.root ?? ".");
    const outDir = resolve(io.cwd, required(values.out, "--out"));
    const r = composeRepository({
      root,
      outDir,
      now: parseNow(values.now).getTime(),
      ...(values.previous ? { previousList: resolve(io.cwd, values.previous) } : {}),
    });
    if (values.json) {
      io.out(JSON.stringify({ serial: r.list.serial, issued: r.list.issued, expires: r.list.expires, files: r.files, skipped: r.skipped, warnings: r.warnings }, null, 2));
      return 0;
    }
    for (const w of r.warnings) io.err(`warning: ${w}`);
    for (const s of r.skipped) io.err(`left out: ${s.vo} ${s.appliance} ${s.version}: ${s.reason} (${s.file})`);
    io.out(`composed list serial ${r.list.serial}, issued ${r.list.issued}, expires ${r.list.expires}`);
    for (const [vo, { images }] of Object.entries(r.list.vos)) {
      io.out(`  ${vo}: ${images.length} image(s)${images.map((i) => `\n    ${i.appliance} ${i.version} (endorsed by ${i.endorser.id} until ${i.expires_at})`).join("")}`);
    }
    io.out(`  revoked: ${r.list.revoked.map((x) => `${x.appliance}@${x.version}`).join(", ") || "none"}`);
    for (const f of r.files) io.out(`  wrote ${f}`);
    return 0;
  },
};
