// The catalogue page's stylesheet (inlined: the page loads nothing from the network).
export const STYLE = `
:root { --fg: #1d232b; --muted: #5b6570; --bg: #fff; --panel: #f4f6f8; --line: #d9dee3; --ok: #1a7f37; --soon: #9a6700; --bad: #cf222e; --accent: #0b5cad; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6e9ec; --muted: #9aa4ae; --bg: #15191e; --panel: #1f252c; --line: #333b44; --ok: #3fb950; --soon: #d29922; --bad: #f85149; --accent: #58a6ff; }
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header, main, section, nav { padding: 0 24px; }
main > section { padding: 0; }
header { padding-top: 16px; border-bottom: 1px solid var(--line); background: var(--panel); }
h1 { margin: 0 0 4px; font-size: 24px; }
h2 { font-size: 19px; margin: 24px 0 8px; }
h2 .sub { font-weight: normal; color: var(--muted); font-size: 15px; }
a { color: var(--accent); }
code, pre, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 13px; }
.muted { color: var(--muted); }
.meta { margin: 0 0 12px; color: var(--muted); }
.meta b { color: var(--fg); font-weight: 600; }
.banner { margin: 12px 24px; padding: 10px 14px; border-radius: 6px; border: 1px solid var(--bad); color: var(--bad); }
#signature { margin-top: 12px; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; }
.panel p { margin: 4px 0; }
pre.command { white-space: pre-wrap; word-break: break-all; background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; margin: 6px 0; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; border: 1px solid currentColor; white-space: nowrap; }
.badge.ok, .state-ok { color: var(--ok); }
.badge.soon, .state-soon { color: var(--soon); }
.badge.bad, .state-expired, .state-bad { color: var(--bad); }
.badge.none { color: var(--muted); }
nav#filters { position: sticky; top: 0; z-index: 1; display: flex; flex-wrap: wrap; gap: 16px; align-items: center; padding-top: 10px; padding-bottom: 10px; background: var(--bg); border-bottom: 1px solid var(--line); }
nav#filters label { display: flex; gap: 6px; align-items: center; font-weight: 600; }
nav#filters input, nav#filters select { font: inherit; padding: 4px 8px; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); }
nav#filters input { width: 22em; max-width: 60vw; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { font-size: 12px; text-transform: uppercase; letter-spacing: .03em; color: var(--muted); white-space: nowrap; }
td.nowrap { white-space: nowrap; }
.title { font-weight: 600; }
.small { font-size: 12px; }
details summary { cursor: pointer; color: var(--muted); font-size: 12px; }
details dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 6px 0; font-size: 12px; }
details dt { color: var(--muted); }
details dd { margin: 0; word-break: break-all; }
.reason { white-space: pre-wrap; margin: 0; }
.empty td { color: var(--muted); font-style: italic; }
.timeline-row { display: grid; grid-template-columns: minmax(14em, 22em) 1fr minmax(11em, max-content); gap: 10px; align-items: center; padding: 3px 0; }
.bar-track { background: var(--panel); border: 1px solid var(--line); border-radius: 4px; height: 14px; position: relative; }
.bar { height: 100%; border-radius: 3px; background: var(--ok); min-width: 2px; }
.bar.soon { background: var(--soon); }
.bar.expired { background: var(--bad); }
footer { padding: 24px; color: var(--muted); font-size: 12px; }
`;
