// Which reviews count as approvals: each reviewer's latest decisive review, and only approvals of the
// current head commit (an approval does not carry over to commits pushed after it).

export interface Review {
  login: string;
  state: string;
  /** The commit the review was given on (GitHub's commit_id). */
  commitId?: string;
  submittedAt?: string;
}

export function approversFromReviews(reviews: readonly Review[], headSha?: string): string[] {
  const last = new Map<string, Review>();
  const ordered = [...reviews].sort((a, b) => (a.submittedAt ?? "").localeCompare(b.submittedAt ?? ""));
  for (const r of ordered) {
    // A comment neither gives nor takes back an approval.
    if (r.state === "COMMENTED" || r.state === "PENDING") continue;
    last.set(r.login.toLowerCase(), r);
  }
  const out: string[] = [];
  for (const [login, r] of last) {
    if (r.state !== "APPROVED") continue;
    if (headSha !== undefined && r.commitId !== undefined && r.commitId !== headSha) continue;
    out.push(login);
  }
  return out.sort();
}
