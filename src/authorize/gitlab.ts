// Merge request facts from the GitLab REST API (v4): author, changed files (diffs) and approvals.
// GitLab resets approvals on new commits when the project says so ("Remove all approvals when commits
// are added"); set it, since the approvals API does not say which commit an approval was given on.
// The GitLab API cannot run here; tests serve these endpoints from a local stand-in HTTP server.
// Logins: the registry keeps one handle per person (`github`); on GitLab it must be the GitLab username.
import type { ChangedFile, PullRequestFacts } from "./types.js";

export interface GitLabTarget {
  /** Project id or URL-encoded path (CI_PROJECT_ID). */
  project: string;
  mr: number;
  token?: string;
  /** CI_API_V4_URL, e.g. https://gitlab.example.org/api/v4 */
  apiUrl: string;
}

interface MrDiff { old_path: string; new_path: string; new_file: boolean; renamed_file: boolean; deleted_file: boolean }

async function get<T>(t: GitLabTarget, path: string): Promise<{ body: T; next: string | null }> {
  const url = `${t.apiUrl.replace(/\/$/, "")}/projects/${encodeURIComponent(t.project)}/merge_requests/${t.mr}${path}`;
  const res = await fetch(url, { headers: { accept: "application/json", ...(t.token ? { "private-token": t.token } : {}) } });
  if (!res.ok) throw new Error(`GitLab API ${res.status} ${res.statusText} for ${url}`);
  return { body: (await res.json()) as T, next: res.headers.get("x-next-page") || null };
}

export async function fetchMergeRequest(t: GitLabTarget): Promise<PullRequestFacts & { headSha: string }> {
  const { body: mr } = await get<{ author: { username: string }; sha: string }>(t, "");
  const diffs: MrDiff[] = [];
  for (let page: string | null = "1"; page; ) {
    const r: { body: MrDiff[]; next: string | null } = await get<MrDiff[]>(t, `/diffs?per_page=100&page=${page}`);
    diffs.push(...r.body);
    page = r.next;
    if (diffs.length > 10_000) throw new Error(`merge request !${t.mr} changes too many files to authorize file by file`);
  }
  const { body: approvals } = await get<{ approved_by: { user: { username: string } }[] }>(t, "/approvals");
  const files: ChangedFile[] = diffs.map((d) =>
    d.new_file ? { path: d.new_path, status: "added" }
    : d.deleted_file ? { path: d.old_path, status: "removed" }
    : d.renamed_file ? { path: d.new_path, status: "renamed", previousPath: d.old_path }
    : { path: d.new_path, status: "modified" },
  );
  return { author: mr.author.username, headSha: mr.sha, files, approvers: approvals.approved_by.map((a) => a.user.username.toLowerCase()).sort() };
}
