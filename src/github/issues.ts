// Issues the scheduled job opens (expiry warnings): one open issue per subject, found again by its
// exact title, so a daily run does not open duplicates. Tested against a local stand-in of the API.
import type { Octokit } from "@octokit/rest";
import { splitRepository } from "./client.js";

export interface IssueDraft {
  title: string;
  body: string;
}

export interface IssueOutcome {
  title: string;
  number: number;
  created: boolean;
}

export async function ensureIssues(octokit: Octokit, repository: string, label: string, drafts: readonly IssueDraft[]): Promise<IssueOutcome[]> {
  const { owner, repo } = splitRepository(repository);
  const open = await octokit.paginate(octokit.rest.issues.listForRepo, { owner, repo, state: "open", labels: label, per_page: 100 });
  const byTitle = new Map(open.filter((i) => !i.pull_request).map((i) => [i.title, i.number]));
  const out: IssueOutcome[] = [];
  for (const d of drafts) {
    const existing = byTitle.get(d.title);
    if (existing !== undefined) {
      out.push({ title: d.title, number: existing, created: false });
      continue;
    }
    const { data } = await octokit.rest.issues.create({ owner, repo, title: d.title, body: d.body, labels: [label] });
    byTitle.set(d.title, data.number);
    out.push({ title: d.title, number: data.number, created: true });
  }
  return out;
}
