// Registers an appliance version in AppDB (REST API v1.0) with its image metadata.
// AppDB cannot run here: the tests use a local stand-in that checks every request strictly (see
// test/publish/appdb-standin.ts); the paths, verbs and document shape follow AppDB's published API and
// schema (virtualization.xsd), where PUT inserts and POST updates, and the access token is the
// `accesstoken` query parameter. Until a version is published it is invisible in the marketplace, so:
// insert it unpublished, read it back and compare every image's URL, SHA-512 and size, then publish.
// A rerun finds the version by its name: published and identical -> nothing to do; unpublished (an
// interrupted run) -> updated and published; extra unpublished copies -> deleted.
import { RefusedError } from "../../util/diagnostic.js";
import { fetchBuffered, expectStatus } from "../http.js";
import { record, retrying, type PublishContext } from "../context.js";
import type { ReleasePlan } from "../plan.js";
import { describeTarget, type Target } from "../targets.js";
import { parseXml, localName } from "./xml.js";
import { applianceXml, expectedImages, readVersions, readVocabulary, sameImages, type AppdbVersion, type Vocabularies } from "./appliance.js";

type AppdbTarget = Extract<Target, { kind: "appdb" }>;

export interface AppdbOptions {
  /** AppDB application id per appliance ("*" for every appliance of the run). */
  apps: Record<string, string>;
  token?: string;
}

export function appIdFor(opts: AppdbOptions, appliance: string): string {
  const id = opts.apps[appliance] ?? opts.apps["*"];
  if (!id) throw new RefusedError(`no AppDB application id for ${appliance} (give --appdb-app ${appliance}=ID)`, "publish.appdb");
  return id;
}

class AppdbApi {
  constructor(readonly base: string, private token: string | undefined) {}

  url(path: string): string {
    const u = new URL(`${this.base}${path}`);
    if (this.token) u.searchParams.set("accesstoken", this.token);
    return u.toString();
  }

  async get(path: string) {
    const res = expectStatus(await fetchBuffered({ method: "GET", url: this.url(path), headers: { accept: "application/xml" } }), [200], `AppDB GET ${path}`);
    return parseXml(res.body.toString("utf8"));
  }

  async send(method: "PUT" | "POST", path: string, xml: string) {
    const res = expectStatus(await fetchBuffered({ method, url: this.url(path), headers: { "content-type": "application/xml", accept: "application/xml" }, body: Buffer.from(xml) }), [200, 201], `AppDB ${method} ${path}`);
    return res.body.length ? parseXml(res.body.toString("utf8")) : undefined;
  }

  async delete(path: string) {
    expectStatus(await fetchBuffered({ method: "DELETE", url: this.url(path) }), [200, 204, 404], `AppDB DELETE ${path}`);
  }
}

async function vocabularies(api: AppdbApi, ctx: PublishContext): Promise<Vocabularies> {
  const [hypervisors, formats, archs] = await Promise.all([
    retrying(ctx, "AppDB hypervisors", () => api.get("/applications/hypervisors")),
    retrying(ctx, "AppDB VM image formats", () => api.get("/applications/vmiformats")),
    retrying(ctx, "AppDB architectures", () => api.get("/applications/archs")),
  ]);
  return { hypervisors: readVocabulary(hypervisors, "hypervisor"), formats: readVocabulary(formats, "format"), archs: readVocabulary(archs, "arch") };
}

export async function registerInAppdb(plan: ReleasePlan, target: AppdbTarget, opts: AppdbOptions, ctx: PublishContext): Promise<AppdbVersion> {
  const where = describeTarget(target);
  const appId = appIdFor(opts, plan.appliance);
  const api = new AppdbApi(target.base, opts.token);
  const path = `/applications/${encodeURIComponent(appId)}/virtualization`;
  const item = `${plan.appliance} ${plan.version} (application ${appId})`;
  const want = expectedImages(plan);

  const load = async () => {
    const doc = await retrying(ctx, `AppDB GET ${path}`, () => api.get(path));
    if (localName(doc.name) !== "appliance") throw new RefusedError(`${where}: GET ${path} answered <${doc.name}>, expected virtualization:appliance`, "publish.appdb");
    return { vappId: doc.attrs.id ?? "", versions: readVersions(doc).filter((v) => v.version === plan.version) };
  };

  let { vappId, versions } = await load();
  const published = versions.find((v) => v.published);
  if (published) {
    if (!sameImages(published.images, want)) throw new RefusedError(`${where}: ${item} is published in AppDB with other images; a published version is not changed — build a new version`, "publish.appdb");
    record(ctx, { target: where, item, action: "present", detail: `version id ${published.id}` });
    return published;
  }

  const vocab = await vocabularies(api, ctx);
  // An unpublished copy left by an interrupted run is reused; further copies are removed.
  const drafts = versions.filter((v) => !v.published).sort((a, b) => Number(a.id) - Number(b.id));
  for (const extra of drafts.slice(1)) {
    await retrying(ctx, `AppDB DELETE version ${extra.id}`, () => api.delete(`/virtualization/${encodeURIComponent(vappId)}/${encodeURIComponent(extra.id)}`));
    record(ctx, { target: where, item: `${item} unpublished copy ${extra.id}`, action: "removed" });
  }
  let draft = drafts[0];
  if (draft && !sameImages(draft.images, want)) {
    await retrying(ctx, `AppDB update ${item}`, () => api.send("POST", path, applianceXml(plan, { appId, vocab, published: false, versionId: draft!.id })));
  } else if (!draft) {
    await retrying(ctx, `AppDB insert ${item}`, () => api.send("PUT", path, applianceXml(plan, { appId, vocab, published: false })));
  }

  // Read back before publishing: exactly one unpublished version with exactly our images.
  ({ vappId, versions } = await load());
  draft = versions.find((v) => !v.published);
  if (!draft || versions.length !== 1 || !sameImages(draft.images, want)) {
    throw new RefusedError(`${where}: ${item} did not read back as registered (${versions.length} version(s) named ${plan.version}); left unpublished`, "publish.readback");
  }
  record(ctx, { target: where, item, action: "registered", detail: `unpublished version id ${draft.id}, ${want.length} image(s) read back` });

  await retrying(ctx, `AppDB publish ${item}`, () => api.send("POST", path, applianceXml(plan, { appId, vocab, published: true, versionId: draft!.id })));
  ({ versions } = await load());
  const done = versions.find((v) => v.id === draft!.id);
  if (!done?.published || !sameImages(done.images, want)) throw new RefusedError(`${where}: ${item} is not published after the update`, "publish.appdb");
  record(ctx, { target: where, item, action: "published", detail: `version id ${done.id}` });
  return done;
}
