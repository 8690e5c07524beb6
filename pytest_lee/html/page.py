"""The page around the sections: its style and its one small script (the filters).

Plain strings, no template engine: the report must open from a CI artifact, offline,
so everything (style, script, charts) is inline and nothing is fetched.
"""

from __future__ import annotations

STYLE = """
:root { --fg:#1f2933; --muted:#616e7c; --line:#e4e7eb; --bg:#fff; --soft:#f5f7fa; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg);
       background: var(--bg); margin: 0; }
header { background: #243b53; color: #fff; padding: 14px 24px; }
header h1 { margin: 0 0 4px; font-size: 20px; }
header .meta { color: #bcccdc; font-size: 12px; }
nav { position: sticky; top: 0; background: var(--soft); border-bottom: 1px solid var(--line);
      padding: 6px 24px; z-index: 2; }
nav a { margin-right: 16px; color: #334e68; text-decoration: none; font-weight: 600; }
nav a .n { font-weight: 400; color: var(--muted); }
main { padding: 8px 24px 40px; max-width: 1200px; }
section { border-bottom: 1px solid var(--line); padding: 12px 0 20px; }
h2 { font-size: 18px; margin: 8px 0; } h3 { font-size: 15px; margin: 16px 0 6px; }
h4 { font-size: 13px; margin: 12px 0 4px; color: var(--muted); }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; background: var(--soft);
       padding: 1px 4px; border-radius: 3px; }
table.grid { border-collapse: collapse; margin: 6px 0; }
.grid th, .grid td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left;
                     vertical-align: middle; }
.grid th { font-size: 12px; color: var(--muted); font-weight: 600; background: var(--soft); }
.grid td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.grid td.name { font-family: ui-monospace, monospace; font-size: 12px; white-space: nowrap; }
.grid td.msg { font-size: 12px; color: #7b341e; max-width: 560px; }
#contract-matrix tr { height: 1.6em; }
#contract-matrix td.msg summary { white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
  max-width: 540px; cursor: pointer; }
#contract-matrix td.msg .okmsg { display: block; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; max-width: 540px; }
#contract-matrix td.name { position: sticky; left: 0; background: var(--bg, #fff); }
.summary-table td { padding: 3px 10px 3px 0; }
.summary-table .fail { color: #c62828; font-weight: 600; }
.summary-table .pass { color: #2e7d32; font-weight: 600; }
.headline { color: #c62828; font-size: 15px; margin: 4px 0; }
.grid th.site { writing-mode: vertical-rl; transform: rotate(180deg);
                font-family: ui-monospace, monospace; font-weight: 400; }
td.cell { text-align: center; font-weight: 700; white-space: nowrap; }
.mark { cursor: help; margin: 0 2px; font-size: 12px; }
.mark.m-fail { color: #c62828; } .mark.m-inconclusive { color: #616161; }
ul.probes { margin: 0; padding-left: 16px; } ul.probes li { margin-bottom: 4px; white-space: pre-wrap; }
li.p-inconclusive { color: var(--muted); } .okmsg { color: var(--muted); }
ul.groups > li { margin-bottom: 8px; } ul.ties { margin: 2px 0; font-size: 12px; color: #7b341e; }
ul.broken li { font-size: 12px; margin-bottom: 3px; } .safe code { cursor: help; }
.badge { display: inline-block; padding: 0 7px; border-radius: 9px; font-size: 12px;
         font-weight: 600; color: #fff; background: #829ab1; }
.v-target, .c-ok, .o-promoted { background: #2e7d32; } .v-acceptable { background: #f9a825; color: #222; }
.v-over { background: #ef6c00; } .v-critical, .c-fail, .o-failed { background: #c62828; }
.o-rolled-back { background: #ef6c00; } .o-refused { background: #8e24aa; }
.c-inconclusive, .o-unchanged { background: #9e9e9e; }
td.c-ok { color: #2e7d32; background: #e8f5e9; } td.c-fail { color: #c62828; background: #ffebee; }
td.c-inconclusive { color: #616161; background: #f5f5f5; } td.none { color: #bbb; }
.badge.estimate { background: #fff3e0; color: #e65100; border: 1px solid #ffb74d; }
.badge.measured { background: #e8f5e9; color: #2e7d32; border: 1px solid #81c784; }
.flag { font-size: 11px; color: #ef6c00; }
.filters { margin: 8px 0; display: flex; gap: 16px; align-items: center; font-size: 13px; }
.filters select, .filters input { font: inherit; padding: 2px 4px; }
.count { color: var(--muted); font-size: 12px; }
.caption { color: var(--muted); font-size: 12px; margin: 2px 0 6px; }
.warn { color: #b44d12; } .why { color: #7b341e; margin: 2px 0; }
.scroll { overflow-x: auto; }
svg.chart text { font: 11px system-ui, sans-serif; fill: var(--fg); }
svg.chart text.num, svg.chart text.tick { fill: var(--muted); font-size: 10px; }
svg.chart text.ice-label { font-size: 10px; pointer-events: none; }
.trends { display: flex; flex-wrap: wrap; gap: 12px; }
figure { margin: 0; } figcaption { font-size: 12px; font-family: ui-monospace, monospace; }
ol.advisor li { margin-bottom: 6px; }
.deployment { margin-bottom: 10px; }
.hidden { display: none !important; }
.error { color: #c62828; }
.ran-under { margin: 2px 0 6px; font-size: 13px; } .fact { white-space: nowrap; }
p.health { margin: 2px 0; font-size: 13px; } .h-passed { color: #2e7d32; } .h-failed { color: #c62828; }
details pre { font-size: 11px; background: var(--soft); padding: 6px; overflow-x: auto; }
.not-judged { font-weight: 600; }
"""

# Each control ``[data-filter=S][data-attr=A]`` filters the items ``[data-filter-item=S]``
# by their ``data-A``: a <select> by equality, a text box by substring (any case).
SCRIPT = """
(function () {
  "use strict";
  function apply(section) {
    var controls = document.querySelectorAll('[data-filter="' + section + '"]');
    var items = document.querySelectorAll('[data-filter-item="' + section + '"]');
    var shown = 0;
    items.forEach(function (item) {
      var visible = true;
      controls.forEach(function (control) {
        var wanted = control.value.trim().toLowerCase();
        if (!wanted) { return; }
        var have = (item.getAttribute('data-' + control.getAttribute('data-attr')) || '').toLowerCase();
        if (control.tagName === 'SELECT' ? have !== wanted : have.indexOf(wanted) === -1) {
          visible = false;
        }
      });
      item.classList.toggle('hidden', !visible);
      if (visible) { shown += 1; }
    });
    var count = document.querySelector('[data-filter-count="' + section + '"]');
    if (count) { count.textContent = shown + ' of ' + items.length + ' shown'; }
  }
  var sections = {};
  document.querySelectorAll('[data-filter]').forEach(function (control) {
    var section = control.getAttribute('data-filter');
    sections[section] = true;
    control.addEventListener('input', function () { apply(section); });
    control.addEventListener('change', function () { apply(section); });
  });
  Object.keys(sections).forEach(apply);
})();
"""

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<header><h1>{title}</h1><div class="meta">{meta}</div></header>
<nav>{nav}</nav>
<main>
{sections}
</main>
<script>{script}</script>
</body>
</html>
"""
