import { core, inputs, runAction, summary } from "../../../src/action/run.js";
import { validateRepository } from "../../../src/validate/index.js";
import { readHistory } from "../../../src/git/history.js";
import { ENDORSEMENTS_DIR } from "../../../src/repo/layout.js";
import { InvalidInputError } from "../../../src/util/diagnostic.js";
import { expiryReport } from "../../../src/expiry/index.js";
import { EXPIRY_LABEL, expiryIssue } from "../../../src/expiry/issues.js";
import { githubClient } from "../../../src/github/client.js";
import { ensureIssues } from "../../../src/github/issues.js";

await runAction("expiry", async () => {
  const root = inputs.path("root", ".");
  const now = inputs.now();
  const v = validateRepository(root, now);
  if (v.diagnostics.length > 0) throw new InvalidInputError(v.diagnostics);
  const entries = expiryReport(v.repo, readHistory(root, ENDORSEMENTS_DIR), now);
  const expired = entries.filter((e) => e.status === "expired");
  core.setOutput("expired", String(expired.length));
  core.setOutput("expiring", String(entries.length - expired.length));
  core.setOutput("entries", JSON.stringify(entries));
  let created = 0;
  const links = new Map<string, number>();
  if (inputs.flag("open-issues", false) && entries.length > 0) {
    const token = inputs.optional("token");
    if (token) core.setSecret(token);
    const apiUrl = inputs.optional("api-url");
    const octokit = githubClient({ ...(token ? { token } : {}), ...(apiUrl ? { apiUrl } : {}) });
    const outcomes = await ensureIssues(octokit, inputs.required("repository"), EXPIRY_LABEL, entries.map(expiryIssue));
    for (const o of outcomes) {
      links.set(o.title, o.number);
      if (o.created) created++;
      core.info(`${o.created ? "opened" : "already open"}: #${o.number} ${o.title}`);
    }
  }
  core.setOutput("issues-created", String(created));
  const rows = entries.map((e) => {
    const issue = links.get(expiryIssue(e).title);
    return `| ${e.status === "expired" ? "❌ expired" : "⚠️ expiring"} | ${e.vo} | ${e.appliance} ${e.version} | ${e.expires_at} | @${e.endorser.github} | ${issue ? `#${issue}` : ""} |`;
  });
  await summary(entries.length === 0
    ? "### Endorsement expiry: nothing expired or expiring\n"
    : ["### Endorsement expiry", "", "| | VO | version | expires | endorser | issue |", "|---|---|---|---|---|---|", ...rows, ""].join("\n"));
  core.info(`${expired.length} expired, ${entries.length - expired.length} expiring; ${created} issue(s) opened`);
});
