import { core, inputs, runAction, summary } from "../../../src/action/run.js";
import { composeRepository } from "../../../src/compose/index.js";

await runAction("compose", async () => {
  const previous = inputs.optional("previous");
  const r = composeRepository({
    root: inputs.path("root", "."),
    outDir: inputs.path("out", "out"),
    now: inputs.now(),
    ...(previous ? { previousList: inputs.path("previous") } : {}),
  });
  const l = r.list;
  core.setOutput("list", r.files[r.files.length - 1]);
  core.setOutput("serial", String(l.serial));
  core.setOutput("expires", l.expires);
  core.setOutput("files", JSON.stringify(r.files));
  for (const w of r.warnings) core.warning(w);
  const rows = Object.entries(l.vos).flatMap(([vo, { images }]) =>
    images.length === 0 ? [`| ${vo} | — | | | |`] : images.map((i) => `| ${vo} | ${i.appliance} | ${i.version} | ${i.endorser.id} | ${i.expires_at} |`),
  );
  const left = r.skipped.map((s) => `- ${s.vo} ${s.appliance} ${s.version}: ${s.reason}`);
  await summary([
    `### Composed list: serial ${l.serial}, issued ${l.issued}, expires ${l.expires}`,
    "",
    "| VO | appliance | version | endorser | endorsement expires |",
    "|---|---|---|---|---|",
    ...rows,
    "",
    `Revoked: ${l.revoked.map((x) => `${x.appliance}@${x.version}`).join(", ") || "none"}`,
    ...(left.length > 0 ? ["", "Left out:", ...left] : []),
    "",
  ].join("\n"));
  core.info(`composed serial ${l.serial}: ${r.files.join(", ")}`);
});
