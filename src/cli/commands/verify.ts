import { resolve } from "node:path";
import type { Command, Io } from "../command.js";
import { parse, parseNow, required } from "../args.js";
import { RefusedError, InvalidInputError, formatDiagnostic } from "../../util/diagnostic.js";
import { bundlePathFor } from "../../sign/bundle-file.js";
import { trustFromPin } from "../../verify/trust.js";
import { verifyList, type VerifyReport } from "../../verify/index.js";
import { fetchListAndBundle, isUrl } from "../../verify/fetch.js";

export const verifyCommand: Command = {
  name: "verify",
  summary: "check a signed image list as a site: signature, signer, expiry, rollback, VO; optionally download",
  usage:
    "vmendorse verify --list FILE|URL [--bundle FILE|URL] (--key PUB | --identity URI --issuer URL [--trusted-root FILE]) [--vo VO] [--state FILE] [--now ISO] [--download DIR [--format qcow2,ova]] [--json]",
  async run(argv, io) {
    const { values } = parse(argv, {
      list: { type: "string" },
      bundle: { type: "string" },
      key: { type: "string" },
      identity: { type: "string" },
      issuer: { type: "string" },
      "trusted-root": { type: "string" },
      vo: { type: "string" },
      state: { type: "string" },
      now: { type: "string" },
      download: { type: "string" },
      format: { type: "string" },
      json: { type: "boolean" },
    });
    const listArg = required(values.list, "--list");
    const now = parseNow(values.now).getTime();
    try {
      const trust = await trustFromPin({
        key: values.key && resolve(io.cwd, values.key),
        identity: values.identity,
        issuer: values.issuer,
        trustedRoot: values["trusted-root"] && resolve(io.cwd, values["trusted-root"]),
      });
      // A URL (the release's stable address) is fetched first; the checks then run on those exact bytes.
      const { listFile, bundleFile } = isUrl(listArg)
        ? await fetchListAndBundle(listArg, values.bundle)
        : { listFile: resolve(io.cwd, listArg), bundleFile: resolve(io.cwd, values.bundle ?? bundlePathFor(resolve(io.cwd, listArg))) };
      const report = await verifyList({
        listFile,
        bundleFile,
        trust,
        now,
        ...(values.vo !== undefined ? { vo: values.vo } : {}),
        ...(values.state ? { stateFile: resolve(io.cwd, values.state) } : {}),
        ...(values.download ? { downloadDir: resolve(io.cwd, values.download) } : {}),
        ...(values.format ? { formats: values.format.split(",") } : {}),
        progress: io.progress,
      });
      if (values.json) io.out(JSON.stringify(toJson(report, values.vo), null, 2));
      else printReport(report, values.vo, io);
      return 0;
    } catch (e) {
      if (!values.json || !(e instanceof RefusedError || e instanceof InvalidInputError)) throw e;
      const reason = e instanceof InvalidInputError ? e.diagnostics.map(formatDiagnostic).join("\n") : e.message;
      io.out(JSON.stringify({ ok: false, code: e instanceof RefusedError ? e.code : "input", reason }, null, 2));
      return 1;
    }
  },
};

function toJson(r: VerifyReport, vo: string | undefined) {
  const l = r.checked.list;
  return {
    ok: true,
    list: { identifier: l.identifier, serial: l.serial, issued: l.issued, expires: l.expires, previous_serial: r.previousSerial ?? null },
    signer: r.signer,
    vo: vo ?? null,
    images: r.checked.entries,
    dropped: r.checked.dropped,
    revoked: r.checked.revoked,
    downloads: r.downloads,
  };
}

function printReport(r: VerifyReport, vo: string | undefined, io: Io): void {
  const l = r.checked.list;
  io.out(`OK: list ${l.identifier} serial ${l.serial}${r.previousSerial !== undefined ? ` (last seen ${r.previousSerial})` : ""}, issued ${l.issued}, valid until ${l.expires}`);
  io.out(`signed by ${r.signer.kind === "key" ? `key ${r.signer.identity}` : `${r.signer.identity} (issuer ${r.signer.issuer})`}`);
  io.out(`${vo ? `VO ${vo}` : "all VOs"}: ${r.checked.entries.length} endorsed image(s)`);
  for (const e of r.checked.entries) io.out(`  ${e.vo}  ${e.appliance} ${e.version}  endorsed by ${e.endorser.id} until ${e.expires_at}`);
  for (const d of r.checked.dropped) io.out(`  not usable: ${d.vo} ${d.appliance} ${d.version}: ${d.reason}`);
  for (const x of r.checked.revoked) io.out(`  REVOKED: ${x.appliance} ${x.version}: ${x.reason} — remove it from your cloud`);
  for (const d of r.downloads) io.out(`  ${d.status === "present" ? "already present" : "downloaded"}: ${d.file} (${d.bytes} bytes, SHA-512 checked)`);
}
