// Hardening rules for GitHub workflows, checked on the parsed YAML (and, for the `# vX` comments that
// YAML drops, on the text). Returns one message per problem; [] means the workflow follows the rules.
import { parse } from "yaml";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Event text an attacker controls: never to be expanded into a shell script. */
export const UNTRUSTED = [
  /github\.event\.pull_request\.(title|body|head\.ref|head\.label|head\.repo)/,
  /github\.event\.(issue|comment|review|review_comment|discussion)\.(title|body)/,
  /github\.event\.(head_commit|commits)/,
  /github\.event\.workflow_run\.(head_branch|display_title|head_commit)/,
  /github\.head_ref/,
];

const PINNED = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(\/[A-Za-z0-9_./-]+)?@[0-9a-f]{40}$/;

export interface Step {
  job: string;
  index: number;
  uses?: string;
  run?: string;
  with?: Obj;
  env?: Obj;
}

export function stepsOf(wf: Obj): Step[] {
  const out: Step[] = [];
  for (const [job, j] of Object.entries(isObj(wf.jobs) ? wf.jobs : {})) {
    if (!isObj(j) || !Array.isArray(j.steps)) continue;
    j.steps.forEach((s: unknown, index) => {
      if (!isObj(s)) return;
      out.push({
        job, index,
        ...(typeof s.uses === "string" ? { uses: s.uses } : {}),
        ...(typeof s.run === "string" ? { run: s.run } : {}),
        ...(isObj(s.with) ? { with: s.with } : {}),
        ...(isObj(s.env) ? { env: s.env } : {}),
      });
    });
  }
  return out;
}

export function triggers(wf: Obj): string[] {
  const on = wf.on;
  if (typeof on === "string") return [on];
  if (Array.isArray(on)) return on.map(String);
  return isObj(on) ? Object.keys(on) : [];
}

export function checkWorkflow(text: string, name: string): string[] {
  const problems: string[] = [];
  const wf = parse(text) as Obj;
  const jobs = isObj(wf.jobs) ? wf.jobs : {};

  // Least privilege: nothing at the top, an explicit list per job.
  if (!isObj(wf.permissions) || Object.keys(wf.permissions).length > 0) problems.push(`${name}: top-level permissions must be {}`);
  for (const [job, j] of Object.entries(jobs)) {
    if (!isObj(j) || !isObj(j.permissions)) {
      problems.push(`${name}: job ${job} has no permissions: block`);
      continue;
    }
    for (const [scope, level] of Object.entries(j.permissions)) {
      if (level === "write-all" || scope === "write-all") problems.push(`${name}: job ${job} asks for write-all`);
    }
    // id-token: write only where the list is signed.
    if (j.permissions["id-token"] === "write") {
      const signs = stepsOf({ jobs: { [job]: j } }).some((s) => s.uses === "./actions/sign" || /vmendorse sign\b/.test(s.run ?? ""));
      if (!signs) problems.push(`${name}: job ${job} has id-token: write but does not sign`);
    }
  }
  if (typeof wf.permissions === "string") problems.push(`${name}: top-level permissions must be {}, not ${wf.permissions}`);

  // Every action pinned to a full commit SHA, with the version as a comment.
  text.split("\n").forEach((line, i) => {
    const m = /^\s*(?:-\s+)?uses:\s*([^\s#]+)\s*(#.*)?$/.exec(line);
    if (!m) return;
    const ref = m[1]!.replace(/^["']|["']$/g, "");
    if (ref.startsWith("./")) return;
    if (ref.startsWith("docker://")) problems.push(`${name}:${i + 1}: docker image ${ref}: not allowed`);
    else if (!PINNED.test(ref)) problems.push(`${name}:${i + 1}: ${ref} is not pinned to a 40-hex commit SHA`);
    else if (!/^#\s*v\d/.test(m[2] ?? "")) problems.push(`${name}:${i + 1}: ${ref} lacks a "# vX" comment naming the version`);
  });

  const steps = stepsOf(wf);
  for (const s of steps) {
    const where = `${name}: job ${s.job} step ${s.index + 1}`;
    // No expression expands into a shell script: values reach scripts through env.
    if (s.run !== undefined && s.run.includes("${{")) problems.push(`${where}: run: contains a \${{ }} expression; pass it through env`);
    if (s.uses?.startsWith("actions/checkout@") && s.with?.["persist-credentials"] !== false) problems.push(`${where}: checkout without persist-credentials: false`);
  }
  // Untrusted event text is not used at all (not even through env: nothing here needs it).
  for (const re of UNTRUSTED) if (re.test(text)) problems.push(`${name}: uses untrusted event text (${re.source})`);

  // Privileged triggers never check out the pull request's code.
  const privileged = triggers(wf).filter((t) => t === "pull_request_target" || t === "workflow_run");
  if (privileged.length > 0) {
    for (const s of steps) {
      if (!s.uses?.startsWith("actions/checkout@")) continue;
      const ref = String(s.with?.ref ?? "") + String(s.with?.repository ?? "");
      if (/github\.event\.(pull_request|workflow_run)|github\.head_ref|refs\/pull\//.test(ref)) {
        problems.push(`${name}: job ${s.job} checks out pull request code under ${privileged.join("/")}`);
      }
    }
  }
  return problems;
}
