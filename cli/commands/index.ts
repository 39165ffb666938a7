// The command table: one file per command, registered in this order in --help.
import type { RegisterCommand } from "../context.ts";
import { registerCheck } from "./check.ts";
import { registerFmt } from "./fmt.ts";
import { registerGrammar } from "./grammar.ts";
import { registerAllreduce } from "./allreduce.ts";
import { registerVerify } from "./verify.ts";
import { registerDecompose } from "./decompose.ts";
import { registerExport } from "./export.ts";
import { registerCompile } from "./compile.ts";
import { registerDie } from "./die.ts";
import { registerCalibrate } from "./calibrate.ts";
import { registerLayout } from "./layout.ts";
import { registerProtocol } from "./protocol.ts";
import { registerMeasure } from "./measure.ts";
import { registerInit } from "./init.ts";

export const commands: RegisterCommand[] = [
  registerInit,
  registerCheck,
  registerFmt,
  registerGrammar,
  registerCompile,
  registerAllreduce,
  registerVerify,
  registerDecompose,
  registerExport,
  registerDie,
  registerProtocol,
  registerMeasure,
  registerCalibrate,
  registerLayout,
];
