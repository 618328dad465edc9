import { resolve, relative } from "node:path";
import type { Command } from "../command.js";
import { parse, required } from "../args.js";
import { UsageError } from "../../util/diagnostic.js";
import { signFile, type SignMode } from "../../sign/index.js";
import { DEFAULT_KEY_DIR, DEFAULT_KEY_FILE } from "../../sign/local-key.js";
import { keylessAvailable } from "../../sign/signers.js";
import { SMIME_OPTIONS, runSmimeSign, wantsSmime } from "./sign-smime.js";

export const signCommand: Command = {
  name: "sign",
  summary: "write a Sigstore bundle FILE.sigstore.json (local P-256 key by default; keyless in CI), or FILE.smime (S/MIME)",
  usage: "vmendorse sign FILE [--key KEY | --keyless [--fulcio-url URL]] [--rekor-url URL] [--bundle OUT] [--json]\n       vmendorse sign FILE --smime-cert CERT --smime-key KEY [--smime-chain FILE] [--json]",
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      key: { type: "string" },
      keyless: { type: "boolean" },
      "fulcio-url": { type: "string" },
      "rekor-url": { type: "string" },
      bundle: { type: "string" },
      json: { type: "boolean" },
      ...SMIME_OPTIONS,
    }, true);
    if (positionals.length !== 1) throw new UsageError("exactly one FILE to sign is required");
    const file = resolve(io.cwd, required(positionals[0], "FILE"));
    // S/MIME (legacy HEPiX consumers) replaces the Sigstore signature for this call.
    if (wantsSmime(values)) {
      const sigstore = ["key", "keyless", "fulcio-url", "rekor-url", "bundle"].filter((k) => values[k as keyof typeof values] !== undefined).map((k) => `--${k}`);
      return runSmimeSign(file, values, sigstore, io);
    }
    if (values.key && values.keyless) throw new UsageError("--key and --keyless exclude each other");
    // Keyless when asked, or when the CI offers an OIDC token and no key was named; else the local key.
    if (values["fulcio-url"] && !values.keyless) throw new UsageError("--fulcio-url needs --keyless");
    const rekor = values["rekor-url"] ? { rekorURL: values["rekor-url"] } : {};
    const keyless = values.keyless || (!values.key && keylessAvailable(io.env));
    const mode: SignMode = keyless
      ? {
          kind: "keyless",
          ...(values["fulcio-url"] ? { fulcioURL: values["fulcio-url"] } : {}),
          ...(values["rekor-url"] ? { rekorURL: values["rekor-url"] } : {}),
          ...(io.env.SIGSTORE_ID_TOKEN ? { identityToken: io.env.SIGSTORE_ID_TOKEN } : {}),
        }
      : values.key
        ? { kind: "key", keyFile: resolve(io.cwd, values.key), create: false, ...rekor }
        : { kind: "key", keyFile: resolve(io.cwd, DEFAULT_KEY_DIR, DEFAULT_KEY_FILE), create: true, ...rekor };
    if (keyless) io.progress("signing keyless: OIDC token -> Fulcio certificate -> Rekor entry");
    const r = await signFile(file, mode, values.bundle ? resolve(io.cwd, values.bundle) : undefined);
    if (values.json) {
      io.out(JSON.stringify(r, null, 2));
      return 0;
    }
    const rel = (p: string) => relative(io.cwd, p) || p;
    if (r.keyCreated) io.out(`created signing key ${rel(r.signer)} (public key ${rel(r.publicKeyFile ?? "")}); keep the private key out of git`);
    io.out(`signed ${rel(r.file)} -> ${rel(r.bundleFile)} (${r.mode === "key" ? `key ${rel(r.signer)}` : `keyless as ${r.signer}`})`);
    return 0;
  },
};
