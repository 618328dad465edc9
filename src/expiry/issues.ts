// Expiry warnings as issues: one per endorsement instance (its title carries the expiry date, so a
// renewal that expires again later opens a new one), mentioning who endorsed and who can renew.
import type { IssueDraft } from "../github/issues.js";
import type { ExpiryEntry } from "./index.js";

export const EXPIRY_LABEL = "endorsement-expiry";

export function expiryIssue(e: ExpiryEntry): IssueDraft {
  const date = e.expires_at.slice(0, 10);
  const when = e.status === "expired" ? `expired on ${e.expires_at}: it is no longer in the published list` : `expires on ${e.expires_at} (in ${e.days_left} day(s))`;
  const body = [
    `The endorsement of **${e.appliance} ${e.version}** for VO **${e.vo}** by ${e.endorser.name} (@${e.endorser.github}) ${when}.`,
    "",
    `Endorsers of ${e.vo} who can renew it: ${e.can_renew.map((l) => `@${l}`).join(" ") || "none (the VO has no current endorser)"}.`,
    "",
    "To renew, re-check the version's checklist report and open a pull request with a fresh endorsement:",
    "",
    "```sh",
    `npx vmendorse endorse ${e.appliance} ${e.version} --vo ${e.vo} --endorser <your endorser id>`,
    "```",
    "",
    "or endorse a newer version of the appliance (see docs/endorser.md). Close this issue once done.",
    "",
    `File: \`${e.file}\`; endorsed at ${e.endorsed_at}; VO warning period ${e.warn_days} days.`,
  ].join("\n");
  return { title: `Endorsement of ${e.appliance} ${e.version} for ${e.vo} expires ${date}`, body };
}
