// Expiry warnings as GitLab issues (REST v4), one per endorsement, found again by title like the GitHub
// variant. GitLab cannot run here: tests serve these endpoints from a local stand-in HTTP server.
import type { IssueDraft, IssueOutcome } from "../github/issues.js";

export interface GitLabProject {
  project: string;
  apiUrl: string;
  token?: string;
}

async function call<T>(p: GitLabProject, method: string, path: string, body?: unknown): Promise<{ body: T; next: string | null }> {
  const url = `${p.apiUrl.replace(/\/$/, "")}/projects/${encodeURIComponent(p.project)}${path}`;
  const res = await fetch(url, {
    method,
    headers: { accept: "application/json", ...(body ? { "content-type": "application/json" } : {}), ...(p.token ? { "private-token": p.token } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`GitLab API ${res.status} ${res.statusText} for ${method} ${url}`);
  return { body: (await res.json()) as T, next: res.headers.get("x-next-page") || null };
}

export async function ensureGitLabIssues(p: GitLabProject, label: string, drafts: readonly IssueDraft[]): Promise<IssueOutcome[]> {
  const open = new Map<string, number>();
  for (let page: string | null = "1"; page; ) {
    const r: { body: { iid: number; title: string }[]; next: string | null } = await call(p, "GET", `/issues?state=opened&labels=${encodeURIComponent(label)}&per_page=100&page=${page}`);
    for (const i of r.body) open.set(i.title, i.iid);
    page = r.next;
  }
  const out: IssueOutcome[] = [];
  for (const d of drafts) {
    const existing = open.get(d.title);
    if (existing !== undefined) {
      out.push({ title: d.title, number: existing, created: false });
      continue;
    }
    const { body } = await call<{ iid: number }>(p, "POST", "/issues", { title: d.title, description: d.body, labels: label });
    open.set(d.title, body.iid);
    out.push({ title: d.title, number: body.iid, created: true });
  }
  return out;
}
