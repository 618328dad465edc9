// The JSON Schemas, embedded so that the bundled CLI and actions need no files beside them.
import defs from "../../schemas/defs.schema.json" with { type: "json" };
import config from "../../schemas/config.schema.json" with { type: "json" };
import image from "../../schemas/image.schema.json" with { type: "json" };
import release from "../../schemas/release.schema.json" with { type: "json" };
import vo from "../../schemas/vo.schema.json" with { type: "json" };
import endorsement from "../../schemas/endorsement.schema.json" with { type: "json" };
import revocation from "../../schemas/revocation.schema.json" with { type: "json" };
import imagelist from "../../schemas/imagelist.schema.json" with { type: "json" };
import scanReport from "../../schemas/scan-report.schema.json" with { type: "json" };

/** Every schema, keyed by its file name (which is also how they reference each other). */
export const SCHEMAS: Record<string, object> = {
  "defs.schema.json": defs,
  "config.schema.json": config,
  "image.schema.json": image,
  "release.schema.json": release,
  "vo.schema.json": vo,
  "endorsement.schema.json": endorsement,
  "revocation.schema.json": revocation,
  "imagelist.schema.json": imagelist,
  "scan-report.schema.json": scanReport,
};
