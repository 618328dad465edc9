// The pull request comment with the checks' report: one comment per request, found again by a hidden
// marker and updated in place. The request number comes from an artifact of an untrusted run, so the
// request's head commit must be the one that run checked, or nothing is written.
import type { Octokit } from "@octokit/rest";
import { RefusedError } from "../util/diagnostic.js";
import { splitRepository } from "./client.js";

export const REPORT_MARKER = "<!-- vmendorse:pr-report -->";
/** GitHub refuses comments above 65536 characters. */
const MAX_BODY = 60_000;

export interface CommentTarget {
  repository: string;
  pull: number;
  /** The commit the report is about; the request's head must still be it. */
  headSha?: string;
  /** Hidden first line that finds the comment again (default REPORT_MARKER). */
  marker?: string;
  /** Login the workflow comments as: only its own comment is updated, never a look-alike by someone else. */
  author?: string;
}

export async function upsertComment(octokit: Octokit, t: CommentTarget, markdown: string): Promise<{ id: number; created: boolean; url: string }> {
  const { owner, repo } = splitRepository(t.repository);
  const marker = t.marker ?? REPORT_MARKER;
  if (t.headSha !== undefined) {
    const { data: pr } = await octokit.rest.pulls.get({ owner, repo, pull_number: t.pull });
    if (pr.head.sha !== t.headSha) throw new RefusedError(`pull request #${t.pull} is at ${pr.head.sha}, not ${t.headSha}: the report is not about it`);
  }
  const text = markdown.length > MAX_BODY ? `${markdown.slice(0, MAX_BODY)}\n\n… (report shortened; the full report is in the job summary)` : markdown;
  const body = `${marker}\n${text}`;
  const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: t.pull, per_page: 100 });
  const author = (t.author ?? "github-actions[bot]").toLowerCase();
  const mine = comments.find((c) => c.user?.login.toLowerCase() === author && c.body?.startsWith(marker));
  if (mine) {
    const { data } = await octokit.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body });
    return { id: data.id, created: false, url: data.html_url };
  }
  const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: t.pull, body });
  return { id: data.id, created: true, url: data.html_url };
}
