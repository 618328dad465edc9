import { resolve } from "node:path";
import type { Command } from "../command.js";
import { parse, parseNow } from "../args.js";
import { RefusedError, UsageError } from "../../util/diagnostic.js";
import { writeFileAtomic } from "../../util/fs.js";
import { authorize, type PullRequestFacts } from "../../authorize/index.js";
import { fetchPullRequest } from "../../authorize/github.js";
import { fetchMergeRequest } from "../../authorize/gitlab.js";
import { decisionLines, decisionMarkdown } from "../../authorize/report.js";
import type { ChangedFile } from "../../authorize/types.js";

export const authorizeCommand: Command = {
  name: "authorize",
  summary: "check a pull/merge request's approvals against the endorsers, maintainers and CSIRT (exit 1: not yet)",
  usage:
    "vmendorse authorize [--root BASE_DIR] [--head DIR] [--now ISO] [--json] [--markdown FILE]\n" +
    "    (--github OWNER/NAME --pr N | --gitlab PROJECT --mr IID | --author LOGIN [--approver LOGIN]... [--added|--modified|--removed PATH]...)\n" +
    "  tokens and API from the environment: GITHUB_TOKEN, GITHUB_API_URL; GITLAB_TOKEN, CI_API_V4_URL",
  async run(argv, io) {
    const { values } = parse(argv, {
      root: { type: "string" },
      head: { type: "string" },
      now: { type: "string" },
      json: { type: "boolean" },
      markdown: { type: "string" },
      github: { type: "string" },
      pr: { type: "string" },
      gitlab: { type: "string" },
      mr: { type: "string" },
      author: { type: "string" },
      approver: { type: "string", multiple: true },
      added: { type: "string", multiple: true },
      modified: { type: "string", multiple: true },
      removed: { type: "string", multiple: true },
    });
    const modes = [values.github, values.gitlab, values.author].filter((v) => v !== undefined).length;
    if (modes !== 1) throw new UsageError("give exactly one of --github with --pr, --gitlab with --mr, or --author with the changed files");
    const number = (v: string | undefined, flag: string) => {
      if (v === undefined || !/^[1-9]\d{0,9}$/.test(v)) throw new UsageError(`${flag} must be a request number`);
      return Number(v);
    };
    let facts: PullRequestFacts;
    if (values.github !== undefined) {
      if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(values.github)) throw new UsageError("--github must be OWNER/NAME");
      facts = await fetchPullRequest({
        repository: values.github,
        pull: number(values.pr, "--pr"),
        ...(io.env.GITHUB_TOKEN ? { token: io.env.GITHUB_TOKEN } : {}),
        ...(io.env.GITHUB_API_URL ? { apiUrl: io.env.GITHUB_API_URL } : {}),
      });
    } else if (values.gitlab !== undefined) {
      facts = await fetchMergeRequest({
        project: values.gitlab,
        mr: number(values.mr, "--mr"),
        apiUrl: io.env.CI_API_V4_URL ?? "https://gitlab.com/api/v4",
        ...(io.env.GITLAB_TOKEN ? { token: io.env.GITLAB_TOKEN } : {}),
      });
    } else {
      const files: ChangedFile[] = [
        ...(values.added ?? []).map((path) => ({ path, status: "added" as const })),
        ...(values.modified ?? []).map((path) => ({ path, status: "modified" as const })),
        ...(values.removed ?? []).map((path) => ({ path, status: "removed" as const })),
      ];
      facts = { author: values.author!, approvers: values.approver ?? [], files };
    }
    const decision = authorize({
      baseRoot: resolve(io.cwd, values.root ?? "."),
      ...(values.head ? { headRoot: resolve(io.cwd, values.head) } : {}),
      facts,
      now: parseNow(values.now).getTime(),
    });
    if (values.markdown) writeFileAtomic(resolve(io.cwd, values.markdown), decisionMarkdown(decision));
    if (values.json) io.out(JSON.stringify(decision, null, 2));
    else for (const l of decisionLines(decision)) io.out(l);
    if (!decision.authorized && !values.json) throw new RefusedError("the request lacks the approvals listed above");
    return decision.authorized ? 0 : 1;
  },
};
