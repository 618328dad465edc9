import { resolve } from "node:path";
import type { Command } from "../command.js";
import { parse, parseNow, required } from "../args.js";
import { writeCatalogueFiles } from "../../catalogue/index.js";

export const catalogueCommand: Command = {
  name: "catalogue",
  summary: "static web page of the signed list: per VO what is endorsed until when, revocations, how to verify",
  usage: "vmendorse catalogue --list FILE --out DIR [--bundle FILE] [--now ISO] [--root DIR] [--verify-result FILE]",
  async run(argv, io) {
    const { values } = parse(argv, {
      list: { type: "string" },
      out: { type: "string" },
      bundle: { type: "string" },
      now: { type: "string" },
      root: { type: "string" },
      "verify-result": { type: "string" },
    });
    const list = resolve(io.cwd, required(values.list, "--list"));
    const outDir = resolve(io.cwd, required(values.out, "--out"));
    const r = writeCatalogueFiles({
      list,
      outDir,
      now: parseNow(values.now).getTime(),
      // vmendorse.yaml gives the title and the signer identity; optional unless --root is named.
      root: resolve(io.cwd, values.root ?? "."),
      requireConfig: values.root !== undefined,
      ...(values.bundle !== undefined ? { bundle: resolve(io.cwd, values.bundle) } : {}),
      ...(values["verify-result"] !== undefined ? { verifyResult: resolve(io.cwd, values["verify-result"]) } : {}),
    });
    for (const f of r.copied) io.out(`copied ${f}`);
    io.out(`wrote ${r.page} (${r.bytes} bytes): ${r.images} endorsement(s), ${r.revoked} revoked`);
    return 0;
  },
};
