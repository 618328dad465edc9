// Reads and validates images/<appliance>/image.yaml for a scan.
import { join } from "node:path";
import type { ImageSpec } from "../model/types.js";
import { imageFile } from "../repo/layout.js";
import { readYamlFile } from "../repo/yaml-file.js";
import { validateYaml } from "../schema/validator.js";
import { InvalidInputError } from "../util/diagnostic.js";

export function loadImageSpec(root: string, appliance: string): { spec: ImageSpec; file: string } {
  if (!/^(?!.*\.\.)[a-z0-9][a-z0-9.-]{0,62}[a-z0-9]$/.test(appliance)) {
    throw new InvalidInputError([{ file: "--image", line: 0, column: 0, field: "", message: `"${appliance}" is not a valid appliance id`, rule: "scan.image" }]);
  }
  const file = imageFile(appliance);
  const r = readYamlFile(join(root, file), file);
  if (!r.ok) throw new InvalidInputError(r.diagnostics);
  const errors = validateYaml("image.schema.json", r.value);
  if (errors.length > 0) throw new InvalidInputError(errors);
  const spec = r.value.data as ImageSpec;
  if (spec.id !== appliance) throw new InvalidInputError([{ file, line: r.value.locate("/id").line, column: r.value.locate("/id").column, field: "/id", message: `id "${spec.id}" differs from the folder name "${appliance}"`, rule: "scan.image" }]);
  return { spec, file };
}
