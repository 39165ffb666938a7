export { renderReportHtml } from "./html.ts";
export type * from "./types.ts";
