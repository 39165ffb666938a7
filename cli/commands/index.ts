// The command table: one file per command, registered in this order in --help.
import type { RegisterCommand } from "../context.ts";

export const commands: RegisterCommand[] = [];
