/* govkg view page: draws the graph held in #govkg-data with vis-network and wires the
 * legend filter, search box, language toggle and details panel. Every text that came
 * from a document or roster is put into the page with textContent or drawn on the
 * canvas, never parsed as HTML. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("govkg-data").textContent);
  var MIN_SCALE = 0.7;
  var MAX_SCALE = 1.2;
  var FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif';
  var lang = "zh";

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function pick(zh, en) {
    if (lang === "en" && en) return en;
    return zh;
  }

  function groupName(g) {
    var s = data.groups[g];
    if (!s) return g;
    return lang === "en" ? s.en || s.zh : s.zh + " / " + s.en;
  }

  /* A row key of the tooltip: both languages in Chinese mode, English alone in English */
  function rowKey(r) {
    if (lang === "en") return r[1] || r[0];
    return r[1] ? r[0] + " / " + r[1] : r[0];
  }

  /* Line breaks of wrapped labels: nothing between two Chinese characters, else a space */
  function oneLine(text) {
    return String(text).replace(/([\u2e80-\uffff])\n(?=[\u2e80-\uffff])/g, "$1").replace(/\n/g, " ");
  }

  /* Tooltip and details content: a DOM element, so vis-network shows it as it is. */
  function describe(item, isNode) {
    var box = el("div", "gk-tip");
    var zh = oneLine(item.tz || item.zh), en = oneLine(item.te || item.en || "");
    box.appendChild(el("div", "gk-tip-title", zh));
    if (en && en !== zh) box.appendChild(el("div", "gk-tip-en", en));
    if (isNode && item.g) box.appendChild(el("div", "gk-tip-class", groupName(item.g)));
    var rows = item.i || [];
    if (rows.length) {
      var table = el("table", "gk-tip-rows");
      rows.forEach(function (r) {
        var tr = el("tr");
        tr.appendChild(el("th", null, rowKey(r)));
        tr.appendChild(el("td", r[3] ? "gk-quote" : null, r[2]));
        table.appendChild(tr);
      });
      box.appendChild(table);
    }
    return box;
  }

  /* Labels are drawn with vis-network's "html" markup so that a thin spacer line can sit
   * between text lines (CJK glyphs fill the whole line height otherwise): the text is in
   * the <b> style at full size and the unstyled font is the 8px spacer. The markup knows
   * only <b>, <i>, <code> and a buggy &lt; / &amp;: a zero-width space after every < and &
   * of the data keeps them from being read as markup (they are drawn, as text, unchanged). */
  function visText(text) {
    return String(text).split("\n").map(function (line) {
      return "<b>" + line.replace(/([<&])/g, "$1\u200b") + "</b>";
    }).join("\n\u200b\n");
  }
  function nodeLabel(n) {
    return visText(pick(n.zh, n.en));
  }
  /* vis-network starts a multi-line label half a line of the base (spacer) font per line
   * above its middle, but the text and spacer lines are 24px a pair: without this the
   * text of a label of n lines is drawn 4(n - 1) px low and runs over the box's border. */
  function nodeFont(n) {
    var lines = String(pick(n.zh, n.en)).split("\n").length;
    var v = -4 * (lines - 1);
    return { vadjust: v, bold: { vadjust: v } };
  }

  var nodeItems = data.nodes.map(function (n) {
    var item = {
      id: n.id,
      x: n.x,
      y: n.y,
      group: n.g,
      label: nodeLabel(n),
      font: nodeFont(n),
      title: describe(n, true),
      /* vis adds the 8px margins to the constraint */
      widthConstraint: { minimum: n.w - 16, maximum: n.w - 16 }
    };
    if (n.b) item.borderWidth = n.b;
    return item;
  });

  var EDGE_STYLE = {
    flow: { color: "#5c6bc0", width: 2 },
    tree: { color: "#8d8d8d", width: 1.2 },
    faint: { color: "rgba(120, 130, 145, 0.22)", width: 0.6 },
    stat: { color: "#7aa7d9", width: 1, dashes: [4, 3] },
    shared: { color: "#e0a100", width: 1.5, dashes: [6, 4] },
    rail: { color: "#a1887f", width: 3 },
    rung: { color: "#00838f", width: 2.5 },
    lead: { color: "#1b5e20", width: 3 },
    missing: { color: "#d50000", width: 1.2, dashes: [3, 4] },
    conflict: { color: "#d50000", width: 2.5, smooth: { enabled: true, type: "curvedCW", roundness: 0.1 } }
  };

  var edgeItems = data.edges.map(function (e) {
    var style = EDGE_STYLE[e.k] || EDGE_STYLE.tree;
    var item = {
      id: e.id,
      from: e.f,
      to: e.t,
      color: { color: style.color, highlight: "#000000", hover: "#333333" },
      width: style.width,
      dashes: style.dashes || false,
      arrows: e.a === 0 ? { to: { enabled: false } } : { to: { enabled: true, scaleFactor: 0.6 } }
    };
    if (style.smooth) item.smooth = style.smooth;
    if (e.c) item.smooth = { enabled: true, type: "cubicBezier", forceDirection: "horizontal", roundness: 0.55 };
    if (e.sel) item.hidden = true;
    if (e.zh) item.label = pick(e.zh, e.en);
    if (e.zh || (e.i && e.i.length)) item.title = describe(e, false);
    return item;
  });

  var visGroups = {};
  Object.keys(data.groups).forEach(function (g) {
    var s = data.groups[g];
    visGroups[g] = {
      shape: s.shape || "box",
      color: {
        background: s.fill,
        border: s.border,
        highlight: { background: s.fill, border: "#000000" },
        hover: { background: s.fill, border: "#000000" }
      },
      font: { color: s.font, face: FONT, size: 8, multi: "html", bold: { size: 16, mod: "", face: FONT, color: s.font } },
      borderWidth: s.border_width || 1.5,
      shapeProperties: { borderDashes: s.dashes ? [5, 4] : false, borderRadius: 4 }
    };
  });

  var nodes = new vis.DataSet(nodeItems);
  var edges = new vis.DataSet(edgeItems);
  var container = document.getElementById("network");
  var options = {
    autoResize: true,
    physics: { enabled: false },
    layout: { improvedLayout: false, randomSeed: 1, hierarchical: { enabled: false } },
    interaction: {
      hover: true,
      tooltipDelay: 120,
      hideEdgesOnDrag: data.nodes.length > 800,
      keyboard: { enabled: false },
      navigationButtons: false,
      multiselect: false
    },
    nodes: {
      shape: "box",
      margin: 8,
      font: { face: FONT, size: 8, multi: "html", bold: { size: 16, mod: "", face: FONT } },
      /* the 8px base font is only the line spacer: hide labels when text would be < 4px */
      scaling: { label: { drawThreshold: 2 } }
    },
    edges: {
      smooth: false,
      font: { face: FONT, size: 14, color: "#444444", strokeWidth: 3, strokeColor: "#ffffff", align: "middle" },
      selectionWidth: 1.5
    },
    groups: visGroups
  };
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  window.network = network;
  window.govkgView = { nodes: nodes, edges: edges, data: data };

  /* Start readable: the whole graph when it fits at a scale where labels can be read;
   * else its whole width when that is readable (every column in view, rows going on
   * below), else the top-left corner at the least readable scale. */
  var PAD = 20;
  function home() {
    if (!data.nodes.length) return;
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    data.nodes.forEach(function (n) {
      var bb = network.getBoundingBox(n.id);
      if (bb.left < minX) minX = bb.left;
      if (bb.top < minY) minY = bb.top;
      if (bb.right > maxX) maxX = bb.right;
      if (bb.bottom > maxY) maxY = bb.bottom;
    });
    var w = container.clientWidth, h = container.clientHeight;
    var gw = maxX - minX + 2 * PAD, gh = maxY - minY + 2 * PAD;
    var scale = Math.min(MAX_SCALE, w / gw, h / gh);
    var x = (minX + maxX) / 2, y = (minY + maxY) / 2;
    if (scale < MIN_SCALE) {
      scale = Math.max(MIN_SCALE, Math.min(MAX_SCALE, w / gw));
      y = minY - PAD + h / 2 / scale;
      if (gw * scale > w) x = minX - PAD + w / 2 / scale;
    }
    network.moveTo({ position: { x: x, y: y }, scale: scale, animation: false });
  }
  home();
  network.once("afterDrawing", function () {
    window.__govkgReady = performance.now();
    document.documentElement.setAttribute("data-ready", "1");
  });

  /* Details panel */
  var details = document.getElementById("details");
  var shown = null;
  function showDetails(nodeId) {
    details.textContent = "";
    shown = nodeId;
    var n = null;
    for (var k = 0; k < data.nodes.length; k++) {
      if (data.nodes[k].id === nodeId) { n = data.nodes[k]; break; }
    }
    if (!n) return;
    details.appendChild(describe(n, true));
    if (n.h) {
      var a = el("a", "gk-open", lang === "en" ? "Open this page ›" : "打开下级页面 ›");
      a.setAttribute("href", n.h);
      details.appendChild(a);
    }
    if (n.iri) details.appendChild(el("div", "gk-iri", n.iri));
  }
  /* Edges marked "sel" (e.g. document → statistic) are drawn only for the selected node */
  var revealable = data.edges.filter(function (e) { return e.sel; }).map(function (e) { return e.id; });
  var revealed = [];
  function reveal(nodeId) {
    if (!revealable.length) return;
    var show = {};
    if (nodeId !== null) {
      network.getConnectedEdges(nodeId).forEach(function (id) { show[id] = true; });
    }
    var updates = [];
    revealed.forEach(function (id) { if (!show[id]) updates.push({ id: id, hidden: true }); });
    revealed = revealable.filter(function (id) { return show[id]; });
    revealed.forEach(function (id) { updates.push({ id: id, hidden: false }); });
    edges.update(updates);
  }
  network.on("click", function (p) {
    if (p.nodes.length) showDetails(p.nodes[0]);
    reveal(p.nodes.length ? p.nodes[0] : null);
  });
  network.on("doubleClick", function (p) {
    if (!p.nodes.length) return;
    var n = nodes.get(p.nodes[0]);
    var raw = data.nodes.filter(function (x) { return x.id === n.id; })[0];
    if (raw && raw.h) window.location.href = raw.h;
  });

  /* Legend doubles as the class filter */
  var hiddenGroups = {};
  var matchSet = null;
  var onlyMatches = document.getElementById("only");
  function applyVisibility() {
    var updates = data.nodes.map(function (n) {
      var hide = !!hiddenGroups[n.g] || (onlyMatches.checked && matchSet !== null && !matchSet[n.id]);
      return { id: n.id, hidden: hide };
    });
    nodes.update(updates);
  }
  var legend = document.getElementById("legend");
  (data.page.legend || []).forEach(function (g) {
    var s = data.groups[g];
    if (!s) return;
    var row = el("label", "gk-legend-row");
    var box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.addEventListener("change", function () {
      hiddenGroups[g] = !box.checked;
      applyVisibility();
    });
    var sw = el("span", "gk-swatch" + (s.shape === "ellipse" ? " gk-round" : ""));
    sw.style.background = s.fill;
    sw.style.borderColor = s.border;
    if (s.dashes) sw.style.borderStyle = "dashed";
    var name = el("span", "gk-legend-name", s.zh);
    name.setAttribute("data-zh", s.zh);
    name.setAttribute("data-en", s.en);
    var count = el("span", "gk-legend-count", String(data.page.group_counts[g] || 0));
    row.appendChild(box);
    row.appendChild(sw);
    row.appendChild(name);
    row.appendChild(count);
    legend.appendChild(row);
  });
  (data.page.edge_legend || []).forEach(function (e) {
    var style = EDGE_STYLE[e[0]] || EDGE_STYLE.tree;
    var row = el("div", "gk-legend-row");
    var line = el("span", "gk-line");
    line.style.borderTopColor = style.color;
    line.style.borderTopWidth = Math.max(1, Math.round(style.width)) + "px";
    if (style.dashes) line.style.borderTopStyle = "dashed";
    var name = el("span", "gk-legend-name", e[1]);
    name.setAttribute("data-zh", e[1]);
    name.setAttribute("data-en", e[2]);
    row.appendChild(line);
    row.appendChild(name);
    legend.appendChild(row);
  });

  /* Search: highlight matches, Enter jumps from one to the next */
  var q = document.getElementById("q");
  var hits = document.getElementById("hits");
  var matchList = [];
  var cursor = -1;
  function haystack(n) {
    return ((n.tz || n.zh) + " " + (n.te || n.en || "") + " " + (n.s || "")).toLowerCase();
  }
  function runSearch() {
    var text = q.value.trim().toLowerCase();
    cursor = -1;
    if (!text) {
      matchSet = null;
      matchList = [];
      hits.textContent = "";
      network.unselectAll();
      applyVisibility();
      return;
    }
    matchSet = {};
    matchList = [];
    data.nodes.forEach(function (n) {
      if (haystack(n).indexOf(text) >= 0) {
        matchSet[n.id] = true;
        matchList.push(n.id);
      }
    });
    hits.textContent = String(matchList.length);
    network.selectNodes(matchList, false);
    applyVisibility();
  }
  q.addEventListener("input", runSearch);
  q.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && matchList.length) {
      cursor = (cursor + 1) % matchList.length;
      var id = matchList[cursor];
      network.focus(id, { scale: Math.max(network.getScale(), 1), animation: false });
      network.selectNodes([id], false);
      showDetails(id);
    } else if (ev.key === "Escape") {
      q.value = "";
      runSearch();
    }
  });
  onlyMatches.addEventListener("change", applyVisibility);
  document.getElementById("home").addEventListener("click", home);

  /* Language toggle: node labels, edge labels and every element with data-en */
  var langButton = document.getElementById("lang");
  langButton.addEventListener("click", function () {
    lang = lang === "zh" ? "en" : "zh";
    document.documentElement.setAttribute("lang", lang === "zh" ? "zh-CN" : "en");
    langButton.textContent = lang === "zh" ? "English" : "中文";
    nodes.update(data.nodes.map(function (n) {
      return { id: n.id, label: nodeLabel(n), font: nodeFont(n), title: describe(n, true) };
    }));
    edges.update(data.edges.filter(function (e) { return e.zh || (e.i && e.i.length); }).map(function (e) {
      var item = { id: e.id, title: describe(e, false) };
      if (e.zh) item.label = pick(e.zh, e.en);
      return item;
    }));
    details.setAttribute("data-empty", details.getAttribute("data-empty-" + lang));
    if (shown !== null) showDetails(shown);
    Array.prototype.forEach.call(document.querySelectorAll("[data-en]"), function (x) {
      x.textContent = lang === "en" ? x.getAttribute("data-en") : x.getAttribute("data-zh");
    });
    q.placeholder = lang === "en" ? q.getAttribute("data-ph-en") : q.getAttribute("data-ph-zh");
  });
})();
