import { core, inputs, runAction, summary } from "../../../src/action/run.js";
import { signFile, type SignMode } from "../../../src/sign/index.js";
import { keylessAvailable } from "../../../src/sign/signers.js";
import { UsageError } from "../../../src/util/diagnostic.js";

await runAction("sign", async () => {
  const file = inputs.path("file");
  const key = inputs.optional("key");
  const fulcio = inputs.optional("fulcio-url");
  const rekor = inputs.optional("rekor-url");
  if (!key && !keylessAvailable(process.env)) {
    throw new UsageError("no key given and no OIDC token available: give the job `permissions: id-token: write`, or a key");
  }
  const mode: SignMode = key
    ? { kind: "key", keyFile: inputs.path("key"), create: false }
    : { kind: "keyless", ...(fulcio ? { fulcioURL: fulcio } : {}), ...(rekor ? { rekorURL: rekor } : {}), ...(process.env.SIGSTORE_ID_TOKEN ? { identityToken: process.env.SIGSTORE_ID_TOKEN } : {}) };
  const bundle = inputs.optional("bundle");
  const r = await signFile(file, mode, bundle ? inputs.path("bundle") : undefined);
  core.setOutput("bundle", r.bundleFile);
  core.setOutput("signer", r.signer);
  core.setOutput("mode", r.mode);
  core.info(`signed ${r.file} -> ${r.bundleFile} (${r.mode}: ${r.signer})`);
  await summary(`### Signed\n\n\`${r.file}\` → \`${r.bundleFile}\` (${r.mode}: \`${r.signer}\`)\n`);
});
