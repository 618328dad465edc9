import { resolve } from "node:path";
import type { Command } from "../command.js";
import { parse, parseNow } from "../args.js";
import { InvalidInputError } from "../../util/diagnostic.js";
import { validateRepository } from "../../validate/index.js";
import { readHistory } from "../../git/history.js";
import { ENDORSEMENTS_DIR } from "../../repo/layout.js";
import { expiryReport } from "../../expiry/index.js";

export const expiryCommand: Command = {
  name: "expiry",
  summary: "list endorsements expired or expiring within their VO's warn_days (who can renew them)",
  usage: "vmendorse expiry [--root DIR] [--now ISO] [--json]",
  async run(argv, io) {
    const { values } = parse(argv, { root: { type: "string" }, now: { type: "string" }, json: { type: "boolean" } });
    const root = resolve(io.cwd, values.root ?? ".");
    const now = parseNow(values.now).getTime();
    const v = validateRepository(root, now);
    if (v.diagnostics.length > 0) throw new InvalidInputError(v.diagnostics);
    const entries = expiryReport(v.repo, readHistory(root, ENDORSEMENTS_DIR), now);
    if (values.json) {
      io.out(JSON.stringify({ now: new Date(now).toISOString().replace(/\.\d{3}Z$/, "Z"), entries }, null, 2));
      return 0;
    }
    if (entries.length === 0) {
      io.out("no endorsement expired or expiring within its VO's warning period");
      return 0;
    }
    for (const e of entries) {
      const when = e.status === "expired" ? `EXPIRED ${e.expires_at} (${-e.days_left} day(s) ago)` : `expires ${e.expires_at} (in ${e.days_left} day(s))`;
      io.out(`${e.vo}  ${e.appliance} ${e.version}  ${when}  endorser ${e.endorser.id} @${e.endorser.github}; can renew: ${e.can_renew.map((l) => `@${l}`).join(" ") || "nobody"}  (${e.file})`);
    }
    return 0;
  },
};
