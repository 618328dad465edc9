import { core, inputs, runAction, summary } from "../../../src/action/run.js";
import { bundlePathFor } from "../../../src/sign/bundle-file.js";
import { trustFromPin } from "../../../src/verify/trust.js";
import { verifyList } from "../../../src/verify/index.js";

await runAction("verify", async () => {
  const listFile = inputs.path("list");
  const bundleFile = inputs.optional("bundle") ? inputs.path("bundle") : bundlePathFor(listFile);
  const trust = await trustFromPin(
    {
      key: inputs.optional("key") && inputs.path("key"),
      identity: inputs.optional("identity"),
      issuer: inputs.optional("issuer"),
      trustedRoot: inputs.optional("trusted-root") && inputs.path("trusted-root"),
    },
    { key: "input key", identity: "input identity", issuer: "input issuer" },
  );
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
