import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Command, Io } from "../command.js";
import { parse } from "../args.js";
import { InvalidInputError, RefusedError, UsageError } from "../../util/diagnostic.js";
import { keyTrust } from "../../verify/trust.js";
import { publish, type PublishReport } from "../../publish/index.js";
import { DEFAULT_TARGET_DIR, parseTarget } from "../../publish/targets.js";
import { DEFAULT_RETRY } from "../../publish/retry.js";
import { describeError } from "../../util/describe-error.js";
import { DEFAULT_GITHUB_API } from "../../publish/github/release.js";

export const publishCommand: Command = {
  name: "publish",
  summary: "publish artifacts (folder, HTTP, OCI registry), register in AppDB, then the signed list (folder, HTTP, GitHub release)",
  usage: [
    "vmendorse publish [--root DIR] [--release FILE --artifacts DIR]... [--list DIR [--key PUB]]",
    "                  [--to dir:PATH|http:URL|oci:HOST/NAMESPACE|appdb:URL|github:OWNER/REPO]...",
    "                  [--appdb-app [APPLIANCE=]ID]... [--github-api URL] [--retries N] [--retry-delay-ms MS] [--json]",
    `  default target: dir:${DEFAULT_TARGET_DIR}. Credentials from the environment: OCI_USERNAME/OCI_PASSWORD,`,
    "  VMENDORSE_HTTP_TOKEN (or user:password in the URL), APPDB_TOKEN, GITHUB_TOKEN; GITHUB_API_URL as in Actions.",
  ].join("\n"),
  async run(argv, io) {
    const { values } = parse(argv, {
      root: { type: "string" },
      release: { type: "string", multiple: true },
      artifacts: { type: "string", multiple: true },
      list: { type: "string" },
      key: { type: "string" },
      to: { type: "string", multiple: true },
      "appdb-app": { type: "string", multiple: true },
      "github-api": { type: "string" },
      retries: { type: "string" },
      "retry-delay-ms": { type: "string" },
      json: { type: "boolean" },
    });
    const root = resolve(io.cwd, values.root ?? ".");
    const targets = (values.to ?? [`dir:${DEFAULT_TARGET_DIR}`]).map((t) => parseTarget(t, io.cwd));
    const apps: Record<string, string> = {};
    for (const a of values["appdb-app"] ?? []) {
      const m = /^(?:([a-z0-9][a-z0-9._-]*)=)?([0-9]+)$/.exec(a);
      if (!m) throw new UsageError(`--appdb-app ${a}: expected ID or APPLIANCE=ID (a number)`);
      apps[m[1] ?? "*"] = m[2]!;
    }
    const int = (v: string | undefined, flag: string, min: number, max: number, dflt: number) => {
      if (v === undefined) return dflt;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} must be an integer from ${min} to ${max}`);
      return n;
    };
    const retries = int(values.retries, "--retries", 0, 10, DEFAULT_RETRY.attempts - 1);
    const baseMs = int(values["retry-delay-ms"], "--retry-delay-ms", 0, 60_000, DEFAULT_RETRY.baseMs);
    const keyFile = values.key ? resolve(io.cwd, values.key) : undefined;

    let report: PublishReport;
    try {
      report = await publish({
        root,
        // A relative build record path is taken from the current folder, else from --root.
        releases: (values.release ?? []).map((r) => (existsSync(resolve(io.cwd, r)) ? resolve(io.cwd, r) : resolve(root, r))),
        artifactDirs: (values.artifacts ?? []).map((d) => resolve(io.cwd, d)),
        ...(values.list ? { listDir: resolve(io.cwd, values.list) } : {}),
        ...(keyFile ? { trust: keyTrust(keyFile) } : {}),
        targets,
        appdb: { apps, ...(io.env.APPDB_TOKEN ? { token: io.env.APPDB_TOKEN } : {}) },
        github: { apiUrl: values["github-api"] ?? io.env.GITHUB_API_URL ?? DEFAULT_GITHUB_API, ...((io.env.GITHUB_TOKEN ?? io.env.GH_TOKEN) ? { token: io.env.GITHUB_TOKEN ?? io.env.GH_TOKEN } : {}) },
        retry: { attempts: retries + 1, baseMs, maxMs: Math.max(baseMs, DEFAULT_RETRY.maxMs) },
        env: io.env,
        progress: values.json ? () => {} : io.progress,
      });
    } catch (e) {
      if (e instanceof UsageError || e instanceof InvalidInputError || e instanceof RefusedError) throw e;
      // A network or server failure: say what stopped and that a rerun resumes.
      throw new RefusedError(`${describeError(e)}\nnothing after this step was published, and the list goes out only after every artifact; run the same command again to complete`, "publish.failed");
    }
    if (values.json) io.out(JSON.stringify(report, null, 2));
    else summary(report, io);
    return 0;
  },
};

function summary(r: PublishReport, io: Io): void {
  const count = (a: string) => r.outcomes.filter((o) => o.action === a).length;
  io.out(`published ${r.releases.map((x) => `${x.appliance} ${x.version}`).join(", ") || "no release"}${r.serial !== undefined ? ` and list serial ${r.serial}` : ""}: ${count("uploaded")} uploaded, ${count("present")} already present, ${count("tagged")} tagged, ${count("registered") + count("published")} registered/published, ${count("removed")} leftovers removed`);
  for (const p of r.oci) io.out(`  oci ${p.repository}@${p.manifestDigest} tags ${p.tags.join(", ")}${p.sbomDigest ? `; SBOM ${p.sbomDigest}` : ""}`);
  for (const v of r.appdb) io.out(`  appdb version ${v.version} id ${v.id} published`);
  if (r.github) io.out(`  github ${r.github.releaseUrl}; latest list: ${r.github.latestUrl}`);
}
