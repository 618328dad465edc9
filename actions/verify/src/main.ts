import { core, inputs, runAction, summary } from "../../../src/action/run.js";
import { readPublicKey } from "../../../src/sign/local-key.js";
import { bundlePathFor } from "../../../src/sign/bundle-file.js";
import { publicGoodTrustedRoot, readTrustedRoot } from "../../../src/verify/trusted-root.js";
import type { Trust } from "../../../src/verify/signature.js";
import { verifyList } from "../../../src/verify/index.js";
import { UsageError } from "../../../src/util/diagnostic.js";

await runAction("verify", async () => {
  const listFile = inputs.path("list");
  const bundleFile = inputs.optional("bundle") ? inputs.path("bundle") : bundlePathFor(listFile);
  const key = inputs.optional("key");
  const identity = inputs.optional("identity");
  const issuer = inputs.optional("issuer");
  if (key ? identity || issuer : !(identity && issuer)) throw new UsageError("pin the signer: key, or identity with issuer (not both)");
  const trust: Trust = key
    ? { kind: "key", keyFile: inputs.path("key"), publicKey: readPublicKey(inputs.path("key")) }
    : { kind: "identity", identity: identity!, issuer: issuer!, trustedRoot: inputs.optional("trusted-root") ? readTrustedRoot(inputs.path("trusted-root")) : await publicGoodTrustedRoot() };
  const vo = inputs.optional("vo");
  const r = await verifyList({
    listFile,
    bundleFile,
    trust,
    now: inputs.now(),
    ...(vo ? { vo } : {}),
    ...(inputs.optional("state") ? { stateFile: inputs.path("state") } : {}),
    ...(inputs.optional("download") ? { downloadDir: inputs.path("download") } : {}),
    progress: core.info,
  });
  const l = r.checked.list;
  core.setOutput("serial", String(l.serial));
  core.setOutput("images", String(r.checked.entries.length));
  core.setOutput("signer", r.signer.identity);
  core.info(`OK: serial ${l.serial}, valid until ${l.expires}, signed by ${r.signer.identity}; ${r.checked.entries.length} endorsed image(s)`);
  await summary(`### Verified: ✅ serial ${l.serial}, valid until ${l.expires}\n\nSigned by \`${r.signer.identity}\`${r.signer.issuer ? ` (issuer \`${r.signer.issuer}\`)` : ""}; ${r.checked.entries.length} endorsed image(s)${vo ? ` for ${vo}` : ""}; ${r.checked.revoked.length} revoked.\n`);
});
