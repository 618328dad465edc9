// Facts about one pull (merge) request and the decision taken on them.

export type FileStatus = "added" | "modified" | "removed" | "renamed";

export interface ChangedFile {
  /** Path in the repository, forward slashes. For a rename: the new path. */
  path: string;
  status: FileStatus;
  /** For a rename: the old path (both paths count as touched). */
  previousPath?: string;
}

export interface PullRequestFacts {
  /** Login of the person who opened the request. */
  author: string;
  /** Logins whose approval stands for the current head commit. */
  approvers: string[];
  files: ChangedFile[];
  /** Endorser ids that changed endorsement files name, read from the request's head (path -> id). */
  namedEndorsers?: Map<string, string>;
}

export interface Requirement {
  /** Stable id, e.g. "vo:biomed", "image:egi.debian.12", "csirt", "csirt-revoke", "review". */
  id: string;
  /** Who must approve, in words: "an endorser of VO biomed". */
  need: string;
  files: string[];
  /** Logins that can satisfy it (the author is already left out where the rule wants a second person). */
  eligible: string[];
  /** Logins among the approvers (or the author, where the rule allows) that satisfy it. */
  satisfiedBy: string[];
  ok: boolean;
  note?: string;
}

export interface Decision {
  authorized: boolean;
  author: string;
  approvers: string[];
  requirements: Requirement[];
  /** Problems that refuse the request whatever the approvals (e.g. an endorsement in someone else's name). */
  problems: string[];
}
