import { resolve } from "node:path";
import type { Command } from "../command.js";
import { parse, parseNow } from "../args.js";
import { InvalidInputError, UsageError } from "../../util/diagnostic.js";
import { validateRepository } from "../../validate/index.js";
import { readHistory } from "../../git/history.js";
import { ENDORSEMENTS_DIR } from "../../repo/layout.js";
import { expiryReport, type ExpiryEntry } from "../../expiry/index.js";
import { EXPIRY_LABEL, expiryIssue } from "../../expiry/issues.js";
import { ensureGitLabIssues } from "../../expiry/gitlab-issues.js";
import { ensureIssues } from "../../github/issues.js";
import { githubClient } from "../../github/client.js";
import type { IssueOutcome } from "../../github/issues.js";
import type { Io } from "../command.js";

export const expiryCommand: Command = {
  name: "expiry",
  summary: "list endorsements expired or expiring within their VO's warn_days (who can renew them)",
  usage: "vmendorse expiry [--root DIR] [--now ISO] [--json] [--github-issues OWNER/NAME | --gitlab-issues PROJECT]\n" +
    "  --*-issues: open one issue per expired or expiring endorsement, once (GITHUB_TOKEN, GITHUB_API_URL; GITLAB_TOKEN, CI_API_V4_URL)",
  async run(argv, io) {
    const { values } = parse(argv, { root: { type: "string" }, now: { type: "string" }, json: { type: "boolean" }, "github-issues": { type: "string" }, "gitlab-issues": { type: "string" } });
    if (values["github-issues"] !== undefined && values["gitlab-issues"] !== undefined) throw new UsageError("give --github-issues or --gitlab-issues, not both");
    const root = resolve(io.cwd, values.root ?? ".");
    const now = parseNow(values.now).getTime();
    const v = validateRepository(root, now);
    if (v.diagnostics.length > 0) throw new InvalidInputError(v.diagnostics);
    const entries = expiryReport(v.repo, readHistory(root, ENDORSEMENTS_DIR), now);
    const issues = await openIssues(entries, values["github-issues"], values["gitlab-issues"], io);
    for (const i of issues) io.progress(`${i.created ? "opened" : "already open"}: #${i.number} ${i.title}`);
    if (values.json) {
      io.out(JSON.stringify({ now: new Date(now).toISOString().replace(/\.\d{3}Z$/, "Z"), entries }, null, 2));
      return 0;
    }
    if (entries.length === 0) {
      io.out("no endorsement expired or expiring within its VO's warning period");
      return 0;
    }
    for (const e of entries) {
      const when = e.status === "expired" ? `EXPIRED ${e.expires_at} (${-e.days_left} day(s) ago)` : `expires ${e.expires_at} (in ${e.days_left} day(s))`;
      io.out(`${e.vo}  ${e.appliance} ${e.version}  ${when}  endorser ${e.endorser.id} @${e.endorser.github}; can renew: ${e.can_renew.map((l) => `@${l}`).join(" ") || "nobody"}  (${e.file})`);
    }
    return 0;
  },
};

async function openIssues(entries: ExpiryEntry[], github: string | undefined, gitlab: string | undefined, io: Io): Promise<IssueOutcome[]> {
  if (entries.length === 0 || (github === undefined && gitlab === undefined)) return [];
  const drafts = entries.map(expiryIssue);
  if (github !== undefined) {
    const octokit = githubClient({ ...(io.env.GITHUB_TOKEN ? { token: io.env.GITHUB_TOKEN } : {}), ...(io.env.GITHUB_API_URL ? { apiUrl: io.env.GITHUB_API_URL } : {}) });
    return ensureIssues(octokit, github, EXPIRY_LABEL, drafts);
  }
  return ensureGitLabIssues({ project: gitlab!, apiUrl: io.env.CI_API_V4_URL ?? "https://gitlab.com/api/v4", ...(io.env.GITLAB_TOKEN ? { token: io.env.GITLAB_TOKEN } : {}) }, EXPIRY_LABEL, drafts);
}
