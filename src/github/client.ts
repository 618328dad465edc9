// An Octokit for the GitHub REST API (or GitHub Enterprise, or a test's local stand-in via apiUrl).
import { Octokit } from "@octokit/rest";

export interface GitHubAccess {
  token?: string;
  /** REST base URL (default https://api.github.com). */
  apiUrl?: string;
}

export function githubClient(t: GitHubAccess): Octokit {
  return new Octokit({
    ...(t.token ? { auth: t.token } : {}),
    baseUrl: (t.apiUrl ?? "https://api.github.com").replace(/\/$/, ""),
    userAgent: "vmendorse",
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
}

export function splitRepository(repository: string): { owner: string; repo: string } {
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(repository);
  if (!m) throw new Error(`repository "${repository}" is not owner/name`);
  return { owner: m[1]!, repo: m[2]! };
}
