// The authorization rule of a pull request, decided from data alone (pure).
//
//  - endorsements/<vo>/<appliance>.yaml: an approval by an endorser appointed in <vo> who is not the
//    author (four eyes). Where the author is the VO's only endorser, a CSIRT member's approval stands in
//    for the second pair of eyes. Removing an endorsement may also be done or approved by the CSIRT.
//    The endorser the file names must be the author or one of the approvers: nobody endorses in
//    someone else's name.
//  - endorsements/<vo>/vo.yaml (the endorser registry), vmendorse.yaml and the pipeline (.github/,
//    .gitlab-ci.yml, actions/): an approval by a CSIRT member who is not the author.
//  - revocations/: adding a ban needs a CSIRT member as author or approver (CSIRT may always revoke,
//    alone, at once: a ban only removes images). Changing or deleting a ban (lifting it) needs a CSIRT
//    approval by someone other than the author.
//  - images/<appliance>/: an approval by a maintainer of the appliance who is not the author (the CSIRT
//    stands in where the author is the only maintainer). A new appliance needs an approval by an
//    appointed endorser of any VO or a CSIRT member.
//  - anything else (code, docs, tests): one approval by someone other than the author.
// Who counts as endorser, maintainer or CSIRT member comes from the base branch (see authority.ts).
import type { Authority } from "./authority.js";
import { lower } from "./authority.js";
import type { ChangedFile, Decision, PullRequestFacts, Requirement } from "./types.js";

const CSIRT_PATHS = [/^vmendorse\.yaml$/, /^\.github\//, /^\.gitlab-ci\.yml$/, /^actions\//];

type Kind =
  | { kind: "vo"; vo: string; removal: boolean }
  | { kind: "registry" }
  | { kind: "revoke" }
  | { kind: "unrevoke" }
  | { kind: "image"; appliance: string }
  | { kind: "csirt" }
  | { kind: "review" };

function classify(path: string, status: ChangedFile["status"]): Kind {
  const parts = path.split("/");
  if (parts[0] === "endorsements" && parts.length === 3) {
    if (parts[2] === "vo.yaml") return { kind: "registry" };
    return { kind: "vo", vo: parts[1]!, removal: status === "removed" };
  }
  if (parts[0] === "endorsements") return { kind: "registry" };
  if (parts[0] === "revocations") return status === "added" ? { kind: "revoke" } : { kind: "unrevoke" };
  if (parts[0] === "images" && parts.length >= 3) return { kind: "image", appliance: parts[1]! };
  if (CSIRT_PATHS.some((re) => re.test(path))) return { kind: "csirt" };
  return { kind: "review" };
}

/** Every path a change touches: both sides of a rename (moving a file out of a folder touches it too). */
function touched(files: readonly ChangedFile[]): { path: string; status: ChangedFile["status"] }[] {
  return files.flatMap((f) =>
    f.status === "renamed" && f.previousPath
      ? [{ path: f.previousPath, status: "removed" as const }, { path: f.path, status: "added" as const }]
      : [{ path: f.path, status: f.status }],
  );
}

export function decide(facts: PullRequestFacts, authority: Authority): Decision {
  const author = lower(facts.author);
  const approvers = [...new Set(facts.approvers.map(lower))].filter((a) => a !== author).sort();
  const csirt = authority.csirt;
  const groups = new Map<string, { need: string; files: string[]; eligible: string[]; authorMay: boolean; note?: string }>();
  const add = (id: string, file: string, make: () => { need: string; eligible: string[]; authorMay?: boolean; note?: string }) => {
    let g = groups.get(id);
    if (!g) {
      const m = make();
      g = { need: m.need, files: [], eligible: m.eligible, authorMay: m.authorMay ?? false, ...(m.note ? { note: m.note } : {}) };
      groups.set(id, g);
    }
    if (!g.files.includes(file)) g.files.push(file);
  };
  const others = (logins: readonly string[]) => [...new Set(logins)].filter((l) => l !== author);
  // The four-eyes rule with the CSIRT as the second pair of eyes when the author is the only one qualified.
  const secondPerson = (qualified: readonly string[], who: string) => {
    const eligible = others(qualified);
    if (eligible.length > 0) return { eligible };
    return { eligible: others(csirt), note: `nobody but the author is ${who}: a CSIRT member's approval stands in` };
  };

  for (const { path, status } of touched(facts.files)) {
    const k = classify(path, status);
    switch (k.kind) {
      case "vo": {
        const endorsers = (authority.vos.get(k.vo) ?? []).map((e) => e.login);
        if (k.removal) {
          add(`vo-removal:${k.vo}`, path, () => ({ need: `an endorser of VO ${k.vo} or a CSIRT member (removal)`, eligible: [...new Set([...endorsers, ...csirt])], authorMay: true }));
        } else {
          add(`vo:${k.vo}`, path, () => ({ need: `an endorser of VO ${k.vo} other than the author`, ...secondPerson(endorsers, `an endorser of VO ${k.vo}`) }));
        }
        break;
      }
      case "registry":
      case "csirt":
        add("csirt", path, () => ({ need: "a CSIRT member other than the author", eligible: others(csirt) }));
        break;
      case "revoke":
        add("csirt-revoke", path, () => ({ need: "a CSIRT member (author or approver)", eligible: [...csirt], authorMay: true }));
        break;
      case "unrevoke":
        add("csirt", path, () => ({ need: "a CSIRT member other than the author", eligible: others(csirt) }));
        break;
      case "image": {
        const maintainers = authority.images.get(k.appliance);
        if (maintainers) {
          add(`image:${k.appliance}`, path, () => ({ need: `a maintainer of ${k.appliance} other than the author`, ...secondPerson(maintainers, `a maintainer of ${k.appliance}`) }));
        } else {
          const endorsers = [...authority.vos.values()].flat().map((e) => e.login);
          add(`new-image:${k.appliance}`, path, () => ({ need: `an endorser of any VO or a CSIRT member (new appliance ${k.appliance})`, eligible: others([...endorsers, ...csirt]) }));
        }
        break;
      }
      case "review":
        add("review", path, () => ({ need: "one approval by someone other than the author", eligible: [] }));
        break;
    }
  }

  const requirements: Requirement[] = [...groups.entries()].map(([id, g]) => {
    const pool = g.authorMay ? [...approvers, author] : approvers;
    const satisfiedBy = id === "review" ? approvers : pool.filter((l) => g.eligible.includes(l));
    return { id, need: g.need, files: g.files.sort(), eligible: id === "review" ? [] : [...g.eligible].sort(), satisfiedBy: [...new Set(satisfiedBy)].sort(), ok: satisfiedBy.length > 0, ...(g.note ? { note: g.note } : {}) };
  });
  requirements.sort((a, b) => a.id.localeCompare(b.id));

  // Nobody endorses in someone else's name: the endorser a changed endorsement names must take part.
  const problems: string[] = [];
  for (const [path, id] of facts.namedEndorsers ?? []) {
    const vo = path.split("/")[1] ?? "";
    const endorser = (authority.vos.get(vo) ?? []).find((e) => e.id === id);
    if (!endorser) problems.push(`${path} names endorser "${id}", who is not an active endorser of VO ${vo} on the base branch`);
    else if (endorser.login !== author && !approvers.includes(endorser.login)) {
      problems.push(`${path} names endorser "${id}" (@${endorser.login}), who neither opened nor approved this request`);
    }
  }

  return { authorized: problems.length === 0 && requirements.every((r) => r.ok), author, approvers, requirements, problems };
}
