import { readFileSync } from "node:fs";
import { core, inputs, runAction } from "../../../src/action/run.js";
import { pullNumber } from "../../../src/action/event.js";
import { githubClient } from "../../../src/github/client.js";
import { upsertComment } from "../../../src/github/comments.js";
import { UsageError } from "../../../src/util/diagnostic.js";

await runAction("pr-comment", async () => {
  const pull = pullNumber(inputs.required("pr-number"))!;
  const headSha = inputs.required("head-sha").trim();
  if (!/^[0-9a-f]{40}$/.test(headSha)) throw new UsageError("head-sha must be a 40-hex commit id");
  const token = inputs.optional("token");
  if (token) core.setSecret(token);
  const apiUrl = inputs.optional("api-url");
  const marker = inputs.optional("marker") ?? "pr-report";
  if (!/^[a-z0-9-]{1,40}$/.test(marker)) throw new UsageError("marker: lower-case letters, digits and '-'");
  const body = readFileSync(inputs.path("body-file"), "utf8");
  const octokit = githubClient({ ...(token ? { token } : {}), ...(apiUrl ? { apiUrl } : {}) });
  const r = await upsertComment(octokit, { repository: inputs.required("repository"), pull, headSha, marker: `<!-- vmendorse:${marker} -->` }, body);
  core.setOutput("comment-url", r.url);
  core.info(`${r.created ? "posted" : "updated"} ${r.url}`);
});
