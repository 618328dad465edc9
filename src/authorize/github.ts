// Pull request facts from the GitHub REST API (@octokit/rest): author, head commit, changed files and
// reviews. The GitHub API cannot run here; tests serve these endpoints from a local stand-in HTTP server
// (test/authorize/api.test.ts), so what is checked is the requests and the reading of answers.
import type { Octokit } from "@octokit/rest";
import { githubClient, splitRepository } from "../github/client.js";
import { approversFromReviews, type Review } from "./reviews.js";
import type { ChangedFile, FileStatus, PullRequestFacts } from "./types.js";

export interface GitHubTarget {
  /** owner/name */
  repository: string;
  pull: number;
  token?: string;
  /** REST base URL; GitHub Enterprise or a test server (default https://api.github.com). */
  apiUrl?: string;
}

/** GitHub reports more statuses than the rule needs; "copied"/"changed"/"unchanged" touch the path like a change. */
function status(s: string): FileStatus {
  return s === "added" || s === "removed" || s === "renamed" ? s : "modified";
}

export async function fetchPullRequest(t: GitHubTarget, octokit: Octokit = githubClient(t)): Promise<PullRequestFacts & { headSha: string }> {
  const { owner, repo } = splitRepository(t.repository);
  const base = { owner, repo, pull_number: t.pull };
  const { data: pr } = await octokit.rest.pulls.get(base);
  const headSha = pr.head.sha;
  const files = await octokit.paginate(octokit.rest.pulls.listFiles, { ...base, per_page: 100 });
  const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, { ...base, per_page: 100 });
  // GitHub lists at most 3000 files; a larger request cannot be judged file by file.
  if (files.length >= 3000) throw new Error(`pull request #${t.pull} changes ${files.length} or more files: too many to authorize file by file`);
  const changed: ChangedFile[] = files.map((f) => ({
    path: f.filename,
    status: status(f.status),
    ...(f.previous_filename ? { previousPath: f.previous_filename } : {}),
  }));
  const rs: Review[] = reviews.flatMap((r) =>
    r.user ? [{ login: r.user.login, state: r.state, ...(r.commit_id ? { commitId: r.commit_id } : {}), ...(r.submitted_at ? { submittedAt: r.submitted_at } : {}) }] : [],
  );
  return { author: pr.user.login, headSha, files: changed, approvers: approversFromReviews(rs, headSha) };
}
