import { resolve } from "node:path";
import type { Command } from "../command.js";
import { parse, parseNow, required } from "../args.js";
import { loadRepository } from "../../repo/load.js";
import { buildRevocation, toYamlDocument } from "../../author/documents.js";
import { writeValidated } from "../../author/write.js";
import { revocationFile } from "../../repo/layout.js";
import { UsageError } from "../../util/diagnostic.js";

export const revokeCommand: Command = {
  name: "revoke",
  summary: "write revocations/<appliance>@<version>.yaml (CSIRT ban) for a pull request",
  usage: "vmendorse revoke <appliance>@<version> --reason TEXT --by EMAIL|LOGIN [--cve CVE]... [--incident ID] [--vo VO]... [--root DIR] [--now ISO]",
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      reason: { type: "string" },
      by: { type: "string" },
      cve: { type: "string", multiple: true },
      incident: { type: "string" },
      vo: { type: "string", multiple: true },
      root: { type: "string" },
      now: { type: "string" },
    }, true);
    const m = positionals.length === 1 ? /^([^@]+)@([^@]+)$/.exec(positionals[0]!) : null;
    if (!m) throw new UsageError("give exactly one <appliance>@<version>");
    const root = resolve(io.cwd, values.root ?? ".");
    const now = parseNow(values.now).getTime();
    const doc = buildRevocation(loadRepository(root).repo, {
      appliance: m[1]!, version: m[2]!, reason: required(values.reason, "--reason"), by: required(values.by, "--by"), now,
      ...(values.cve ? { cves: values.cve } : {}),
      ...(values.incident ? { incident: values.incident } : {}),
      ...(values.vo ? { vos: values.vo } : {}),
    });
    const file = revocationFile(doc.appliance, doc.version);
    writeValidated(root, file, toYamlDocument(doc, "../schemas/revocation.schema.json"), now);
    io.out(`wrote ${file}: ${doc.appliance} ${doc.version} revoked by ${doc.revoked_by.name}; merge it to publish a new list`);
    return 0;
  },
};
