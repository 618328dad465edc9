// Every CLI command, in the order `vmendorse --help` lists them. Add a command: one import, one entry.
import type { Command } from "../command.js";
import { startCommand } from "./start.js";
import { validateCommand } from "./validate.js";
import { composeCommand } from "./compose.js";
import { signCommand } from "./sign.js";
import { verifyCommand } from "./verify.js";
import { endorseCommand } from "./endorse.js";
import { revokeCommand } from "./revoke.js";
import { catalogueCommand } from "./catalogue.js";
import { codeownersCommand } from "./codeowners.js";
import { authorizeCommand } from "./authorize.js";
import { expiryCommand } from "./expiry.js";
import { rebuildPlanCommand } from "./rebuild-plan.js";
import { scanCommand } from "./scan.js";
import { publishCommand } from "./publish.js";

export const COMMANDS: Command[] = [
  startCommand,
  validateCommand,
  composeCommand,
  signCommand,
  verifyCommand,
  endorseCommand,
  revokeCommand,
  catalogueCommand,
  codeownersCommand,
  authorizeCommand,
  expiryCommand,
  rebuildPlanCommand,
  scanCommand,
  publishCommand,
];
