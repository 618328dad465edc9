// List text is data, never markup: a list whose fields carry HTML and script is shown as text, runs
// nothing and makes the page request nothing.
import { describe, expect, it, beforeAll, afterAll } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { composeRepository } from "../../src/compose/index.js";
import { writeCatalogueFiles } from "../../src/catalogue/index.js";
import type { ImageList } from "../../src/model/types.js";
import { commitAll, copyRepo } from "../compose/repo-copy.js";
import { launch, openFile } from "./browser.js";

const NOW = Date.parse("2026-11-23T12:00:00Z");
const TITLE = `<img src=x onerror="window.__pwned='title'">`;
const DESCRIPTION = `</script><script>window.__pwned='description'</script><!--`;
const ENDORSER = `<b onmouseover="window.__pwned='endorser'">Eve</b>`;
const REASON = `<iframe src="https://example.org/"></iframe> & "quotes" 'too'`;
const SBOM_URI = "javascript:window.__pwned='sbom'";
const REPO_TITLE = `</title><script>window.__pwned='config'</script>`;

describe("catalogue with hostile list text", () => {
  let page: string;
  let browser: Browser;
  let vo: string;
  let appliance: string;

  beforeAll(async () => {
    const root = copyRepo();
    writeFileSync(join(root, "vmendorse.yaml"), readFileSync(join(root, "vmendorse.yaml"), "utf8").replace(/^title: .*$/m, `title: ${JSON.stringify(REPO_TITLE)}`));
    commitAll(root, "initial data", { name: "Repo Admin", email: "admin@egi.example" }, "2026-11-21T12:00:00Z");
    composeRepository({ root, outDir: join(root, "out"), now: NOW });
    const listFile = join(root, "out", "imagelist.json");
    // A list as an attacker able to write it (but not to sign it) would shape it, still schema-valid.
    const list = JSON.parse(readFileSync(listFile, "utf8")) as ImageList;
    vo = Object.keys(list.vos)[0]!;
    const e = list.vos[vo]!.images[0]!;
    appliance = e.appliance;
    Object.assign(e, { title: TITLE, description: DESCRIPTION, sbom: { uri: SBOM_URI, sha512: e.sbom!.sha512 } });
    e.endorser.name = ENDORSER;
    list.revoked[0]!.reason = REASON;
    writeFileSync(listFile, JSON.stringify(list, null, 2));
    writeCatalogueFiles({ list: listFile, outDir: join(root, "site"), now: NOW, root, requireConfig: true });
    page = join(root, "site", "index.html");
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("shows every hostile field as text, runs none of it, and requests nothing", async () => {
    const { page: p, url, requests, errors } = await openFile(browser, page, { clock: NOW });
    const row = p.locator(`section.vo[data-vo="${vo}"] tr.image[data-appliance="${appliance}"]`);
    expect(await row.locator(".title").innerText()).toBe(TITLE);
    expect(await row.locator("td.endorser").innerText()).toContain(ENDORSER);
    await row.locator("details summary").click();
    expect(await row.locator("details p").innerText()).toBe(DESCRIPTION);
    // Not an http(s) address: shown as text, not as a link.
    expect(await row.locator("td.sbom a").count()).toBe(0);
    expect(await row.locator("td.sbom").innerText()).toBe(SBOM_URI);
    expect(await p.locator("tr.revoked p.reason").first().innerText()).toBe(REASON);
    expect(await p.locator("h1").innerText()).toBe(REPO_TITLE);
    expect(await p.title()).toBe(REPO_TITLE);

    await row.locator("td.endorser").hover();
    const state = (await p.evaluate(`({
      pwned: window.__pwned ?? null,
      injected: document.querySelectorAll("img, iframe, [onerror], [onmouseover]").length,
      scripts: document.scripts.length,
    })`)) as { pwned: string | null; injected: number; scripts: number };
    expect(state).toEqual({ pwned: null, injected: 0, scripts: 2 }); // the page's data element and its own script
    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
  });
});
