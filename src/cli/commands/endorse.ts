import { resolve } from "node:path";
import type { Command } from "../command.js";
import { parse, parseNow, required } from "../args.js";
import { loadRepository } from "../../repo/load.js";
import { buildEndorsement, toYamlDocument } from "../../author/documents.js";
import { writeValidated } from "../../author/write.js";
import { endorsementFile } from "../../repo/layout.js";
import { UsageError } from "../../util/diagnostic.js";

export const endorseCommand: Command = {
  name: "endorse",
  summary: "write endorsements/<vo>/<appliance>.yaml for a pull request (digest and report hash from the build record)",
  usage: "vmendorse endorse <appliance> <version> --vo VO --endorser ID [--lifetime DAYS] [--notes TEXT] [--root DIR] [--now ISO]",
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      vo: { type: "string" },
      endorser: { type: "string" },
      lifetime: { type: "string" },
      notes: { type: "string" },
      root: { type: "string" },
      now: { type: "string" },
    }, true);
    const [appliance, version, ...extra] = positionals;
    if (!appliance || !version || extra.length > 0) throw new UsageError("give exactly <appliance> <version>");
    const lifetime = values.lifetime === undefined ? undefined : Number(values.lifetime);
    if (lifetime !== undefined && !(Number.isInteger(lifetime) && lifetime > 0)) throw new UsageError("--lifetime takes a whole number of days");
    const root = resolve(io.cwd, values.root ?? ".");
    const now = parseNow(values.now).getTime();
    const vo = required(values.vo, "--vo");
    const doc = buildEndorsement(loadRepository(root).repo, {
      appliance, version, vo, endorser: required(values.endorser, "--endorser"), now,
      ...(lifetime !== undefined ? { lifetimeDays: lifetime } : {}),
      ...(values.notes ? { notes: values.notes } : {}),
    });
    const file = endorsementFile(vo, appliance);
    writeValidated(root, file, toYamlDocument(doc, "../../schemas/endorsement.schema.json"), now);
    io.out(`wrote ${file}: ${appliance} ${version} endorsed for ${vo} by ${doc.endorser}; open a pull request with it`);
    return 0;
  },
};
