// Every CLI command, in the order `vmendorse --help` lists them. Add a command: one import, one entry.
import type { Command } from "../command.js";
import { startCommand } from "./start.js";
import { validateCommand } from "./validate.js";
import { composeCommand } from "./compose.js";
import { endorseCommand } from "./endorse.js";
import { revokeCommand } from "./revoke.js";
import { buildCommand } from "./build.js";
import { scanCommand } from "./scan.js";

export const COMMANDS: Command[] = [
  startCommand,
  validateCommand,
  composeCommand,
  endorseCommand,
  revokeCommand,
  buildCommand,
  scanCommand,
];
