// Validators compiled from the schemas at build time. In the sources (tests, tsx) there are none,
// and the validator compiles each schema when first used; scripts/build.mjs replaces this module in
// the bundles with code that ajv generates from the same schemas and options (ajv "standalone"),
// so the CLI and the actions do not spend a third of a second compiling schemas at every start.
import type { ValidateFunction } from "ajv";

export const PRECOMPILED: Readonly<Record<string, ValidateFunction>> | undefined = undefined;
