// Authorization of a pull (merge) request: the facts (from an API or given), the authority (from the
// base checkout), the endorsers named in the head checkout, then the pure rule.
import { loadRepository } from "../repo/load.js";
import { authorityFrom } from "./authority.js";
import { namedEndorsers } from "./claims.js";
import { decide } from "./rules.js";
import type { Decision, PullRequestFacts } from "./types.js";

export type { Decision, PullRequestFacts } from "./types.js";

export interface AuthorizeInput {
  /** Checkout of the base branch: whose endorsers, maintainers and CSIRT members count. */
  baseRoot: string;
  /** Checkout of the request's head (or merge) commit, to read the endorser each endorsement names. */
  headRoot?: string;
  facts: PullRequestFacts;
  now: number;
}

export function authorize(input: AuthorizeInput): Decision {
  const { repo } = loadRepository(input.baseRoot);
  const facts = input.headRoot ? { ...input.facts, namedEndorsers: namedEndorsers(input.headRoot, input.facts.files) } : input.facts;
  return decide(facts, authorityFrom(repo, input.now));
}
