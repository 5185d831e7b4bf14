/* samestory report: renders the JSON in #samestory-data.
   Every piece of data reaches the page through textContent / createTextNode, never innerHTML. */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("samestory-data").textContent);
  var DOCS = DATA.docs;
  var GROUPS = DATA.groups;
  // A member's sentences that equal its canonical's are stored as indices into the canonical's list.
  DOCS.forEach(function (d) {
    if (d.ref === undefined) { return; }
    var source = DOCS[d.ref].sents;
    d.sents = d.sents.map(function (s) { return typeof s === "number" ? source[s] : s; });
  });
  var PAGE_SIZE = 25;
  var REJECTED_PAGE_SIZE = 50;
  var SVGNS = "http://www.w3.org/2000/svg";

  function $(id) { return document.getElementById(id); }
  function fmt(n) { return (n === null || n === undefined) ? "–" : Number(n).toLocaleString("en-US"); }
  function fmt3(x) { return (x === null || x === undefined) ? "–" : Number(x).toFixed(3); }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined) { continue; }
      parent.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return parent;
  }
  function docLabel(d) { return d.title || d.id; }

  /* ---------------------------------------------------------------- summary */
  function kvTable(caption, entries) {
    var t = el("table", "kv");
    add(t, el("caption", null, caption));
    var body = el("tbody");
    entries.forEach(function (e) {
      var tr = el("tr");
      add(tr, el("td", null, e[0]), el("td", "n", fmt(e[1])));
      body.appendChild(tr);
    });
    if (!entries.length) { add(body, add(el("tr"), el("td", "muted", "none"))); }
    return add(t, body);
  }

  var TIERS = DATA.run && DATA.run.tiers;  // null: the run did not record them
  // A relation whose tier did not run: "rewrite tier off", never a count of 0.
  function relationOff(r) { return !!TIERS && (r === "rewrite" || r === "translation") && TIERS.indexOf(r) === -1; }

  function bpTotal(bp) {
    var total = 0;
    Object.keys(bp || {}).forEach(function (k) { total += Number(bp[k]) || 0; });
    return total;
  }

  function renderSummary() {
    var s = DATA.summary || {};
    var bp = s.boilerplate_removed_by_site;
    var cards = [
      ["documents", s.documents], ["ok", s.ok], ["rejected", s.rejected], ["groups", s.groups],
      ["documents in groups", s.documents_in_groups], ["duplicates", s.duplicates],
      ["kept (canonical or unique)", s.kept], ["verified pairs", s.verified_pairs],
      ["boilerplate lines removed", bp && typeof bp === "object" ? bpTotal(bp) : undefined]
    ];
    var box = $("summary-cards");
    cards.forEach(function (c) {
      if (c[1] === undefined) { return; }
      var card = el("div", "card");
      card.setAttribute("data-key", c[0]);
      add(card, el("div", "v", fmt(c[1])), el("div", "k", c[0]));
      box.appendChild(card);
    });
    var byRel = s.duplicates_by_relation || {};
    var relEntries = DATA.relations.map(function (r) { return [r, byRel[r] || 0, relationOff(r) ? "tier off" : null]; });
    var byReason = s.rejected_by_reason || {};
    $("summary-rejected").appendChild(kvTable("Rejected by reason",
      Object.keys(byReason).map(function (k) { return [k, byReason[k]]; })));
    barChart($("chart-relations"), relEntries, true);
    barChart($("chart-sizes"), DATA.size_histogram, false);
    renderRunInfo();
    renderBoilerplateLines(bp);
  }

  var TIER_NAMES = [["lexical", "exact / near / partial (shingles, MinHash LSH, anchors)"],
    ["boilerplate", "site boilerplate removal"], ["rewrite", "rewrites (sentence embeddings)"]];

  function renderRunInfo() {
    var run = DATA.run || {};
    var box = $("run-info");
    var tiers = el("p", "tiers");
    tiers.appendChild(el("strong", null, "Tiers: "));
    if (!run.tiers) {
      tiers.appendChild(document.createTextNode("not recorded by this run"));
    } else {
      TIER_NAMES.forEach(function (t, k) {
        var on = run.tiers.indexOf(t[0]) !== -1;
        var item = el("span", on ? "tier on" : "tier off", t[1] + (on ? " ran" : ": tier off"));
        item.setAttribute("data-tier", t[0]);
        if (k) { tiers.appendChild(document.createTextNode(" · ")); }
        tiers.appendChild(item);
      });
    }
    box.appendChild(tiers);
    if (run.inputs) {
      var paths = (run.inputs.paths || []).join(", ");
      box.appendChild(el("p", "inputs", "Inputs: " + paths + " (" + fmt(run.inputs.files) + " files, " +
        fmt(run.inputs.documents) + " documents)"));
    }
    var sections = Object.keys(run.settings || {});
    if (!sections.length) { return; }
    var det = el("details", "settings");
    det.id = "settings";
    det.appendChild(el("summary", null, "Settings of this run"));
    var grid = el("div", "settings-grid");
    sections.forEach(function (name) {
      var values = run.settings[name] || {};
      var t = el("table", "kv settings");
      t.setAttribute("data-section", name);
      add(t, el("caption", null, "[" + name + "]"));
      var body = el("tbody");
      Object.keys(values).forEach(function (key) {
        var v = values[key];
        var tr = el("tr");
        add(tr, el("td", null, key), el("td", "n", typeof v === "object" ? JSON.stringify(v) : String(v)));
        body.appendChild(tr);
      });
      grid.appendChild(add(t, body));
    });
    det.appendChild(grid);
    box.appendChild(det);
  }

  function barChart(figure, entries, colourByLabel) {
    var rowH = 20, labelW = 70, barW = 240, numW = 60;
    var svg = document.createElementNS(SVGNS, "svg");
    var height = Math.max(1, entries.length) * rowH + 4;
    svg.setAttribute("width", String(labelW + barW + numW + 20));
    svg.setAttribute("height", String(height));
    svg.setAttribute("role", "img");
    var max = 0;
    entries.forEach(function (e) { max = Math.max(max, e[1]); });
    entries.forEach(function (e, k) {
      var y = k * rowH + 2;
      var label = document.createElementNS(SVGNS, "text");
      label.setAttribute("x", "0"); label.setAttribute("y", String(y + 14));
      label.textContent = String(e[0]);
      var rect = document.createElementNS(SVGNS, "rect");
      var w = (max > 0 && !e[2]) ? Math.max(e[1] > 0 ? 2 : 0, Math.round(barW * e[1] / max)) : 0;
      rect.setAttribute("x", String(labelW)); rect.setAttribute("y", String(y + 3));
      rect.setAttribute("width", String(w)); rect.setAttribute("height", String(rowH - 6));
      rect.setAttribute("class", "bar" + (colourByLabel ? " " + e[0] : ""));
      var num = document.createElementNS(SVGNS, "text");
      num.setAttribute("x", String(labelW + w + 6)); num.setAttribute("y", String(y + 14));
      num.textContent = e[2] || fmt(e[1]);  // e[2]: a word instead of the count ("tier off")
      svg.appendChild(label); svg.appendChild(rect); svg.appendChild(num);
    });
    figure.appendChild(svg);
  }

  // One table: each site's total, then its lines (boilerplate.parquet's columns).
  function renderBoilerplateLines(bySite) {
    var bp = DATA.boilerplate;
    var sites = bySite && typeof bySite === "object" ? Object.keys(bySite) : [];
    if (!bp && !sites.length) { return; }
    var columns = bp ? bp.columns : [];
    var siteCol = columns.indexOf("site");
    var rowsBySite = {};
    (bp ? bp.rows : []).forEach(function (row) {
      var site = siteCol >= 0 ? String(row[siteCol]) : "";
      (rowsBySite[site] = rowsBySite[site] || []).push(row);
    });
    Object.keys(rowsBySite).forEach(function (k) { if (sites.indexOf(k) === -1) { sites.push(k); } });
    sites.sort(function (a, b) { return ((bySite && bySite[b]) || 0) - ((bySite && bySite[a]) || 0) || (a < b ? -1 : 1); });
    var shown = columns.filter(function (c) { return c !== "site"; });
    var t = el("table", "rej boilerplate");
    var head = el("tr");
    shown.forEach(function (c) { head.appendChild(el("th", null, c.replace(/_/g, " "))); });
    add(t, add(el("thead"), head));
    var body = el("tbody");
    sites.forEach(function (site) {
      var siteRow = el("tr", "site");
      var cell = el("th", null, site + " — " + fmt(bySite && bySite[site] !== undefined ? bySite[site] : 0) + " lines removed");
      cell.colSpan = Math.max(1, shown.length);
      body.appendChild(add(siteRow, cell));
      (rowsBySite[site] || []).forEach(function (row) {
        var tr = el("tr");
        row.forEach(function (v, k) {
          if (k === siteCol) { return; }
          tr.appendChild(el("td", null, v === null ? "" : (typeof v === "object" ? JSON.stringify(v) : v)));
        });
        body.appendChild(tr);
      });
    });
    t.appendChild(body);
    var box = $("boilerplate-table");
    box.appendChild(t);
    if (bp && bp.total > bp.rows.length) {
      box.appendChild(el("p", "note", "Showing " + fmt(bp.rows.length) + " of " + fmt(bp.total) + " lines; all are in boilerplate.parquet."));
    }
    $("boilerplate-count").textContent = fmt(bpTotal(bySite)) + " lines on " + fmt(sites.length) + (sites.length === 1 ? " site" : " sites");
    $("boilerplate-lines").hidden = false;
  }

  /* ---------------------------------------------------------------- highlighting */
  var WORD_RE = /\S+/g;
  var LETTER = /[\p{L}\p{N}]/u;
  function normWord(w) { return w.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ""); }

  // Words of `text` that are not in a longest common subsequence with `other` (plain LCS; the
  // sentences are short and the table is capped, so the quadratic table stays small).
  function changedFlags(tokens, otherTokens) {
    var n = tokens.length, m = otherTokens.length;
    var flags = new Array(n).fill(true);
    if (!m) { return flags; }
    if (n * m > 200000) { return new Array(n).fill(false); }
    var a = tokens.map(function (t) { return normWord(t.w); });
    var b = otherTokens.map(function (t) { return normWord(t.w); });
    var L = [];
    for (var i = 0; i <= n; i++) { L.push(new Uint16Array(m + 1)); }
    for (i = n - 1; i >= 0; i--) {
      for (var j = m - 1; j >= 0; j--) {
        L[i][j] = a[i] === b[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
      }
    }
    i = 0; j = 0;
    while (i < n && j < m) {
      if (a[i] === b[j]) { flags[i] = false; i++; j++; }
      else if (L[i + 1][j] >= L[i][j + 1]) { i++; } else { j++; }
    }
    for (i = 0; i < n; i++) { if (a[i] === "") { flags[i] = false; } }
    return flags;
  }

  function tokenize(text) {
    var out = [], m;
    WORD_RE.lastIndex = 0;
    while ((m = WORD_RE.exec(text)) !== null) { out.push({ w: m[0], s: m.index, e: m.index + m[0].length }); }
    return out;
  }

  function nameRanges(text, names) {
    var ranges = [];
    names.forEach(function (name) {
      if (!name) { return; }
      var from = 0, at;
      while ((at = text.indexOf(name, from)) !== -1) {
        from = at + name.length;
        // whole words only: "Li" must not light up inside "Lisbon"
        if (LETTER.test(text.charAt(at - 1)) || LETTER.test(text.charAt(from))) { continue; }
        ranges.push([at, from]);
      }
    });
    return ranges;
  }

  // A fragment of `text` with name spellings (class "name") and, when `other` is given, the words
  // not shared with it (class "chg") wrapped in spans. Text is only ever set with textContent.
  function highlighted(text, other, names) {
    var frag = document.createDocumentFragment();
    text = text || "";
    var tokens = tokenize(text);
    var ranges = nameRanges(text, names || []);
    var changed = other === null ? new Array(tokens.length).fill(false) : changedFlags(tokens, tokenize(other));
    var marks = ranges.map(function (r) { return [r[0], r[1], "name"]; });
    var last = null;
    tokens.forEach(function (t, k) {
      if (!changed[k] || ranges.some(function (r) { return r[0] < t.e && t.s < r[1]; })) { last = null; return; }
      if (last) { last[1] = t.e; return; }  // a run of changed words is one span, spaces included
      last = [t.s, t.e, "chg"];
      marks.push(last);
    });
    marks.sort(function (x, y) { return (x[0] - y[0]) || (y[1] - x[1]); });
    var pos = 0;
    marks.forEach(function (mk) {
      if (mk[0] < pos) { return; }  // overlapping name spellings: the first (longest) wins
      if (mk[0] > pos) { frag.appendChild(document.createTextNode(text.slice(pos, mk[0]))); }
      frag.appendChild(el("span", mk[2], text.slice(mk[0], mk[1])));
      pos = mk[1];
    });
    if (pos < text.length) { frag.appendChild(document.createTextNode(text.slice(pos))); }
    return frag;
  }

  /* ---------------------------------------------------------------- groups */
  var state = { relation: "", query: "", sort: "size", page: 0, filtered: null };
  var haystacks = null;

  function groupHay(g) {
    var parts = [];
    function addDoc(d) { parts.push(d.id || "", d.url || "", d.title || "", d.site || "", d.sents.join(" ")); }
    addDoc(DOCS[g.canon]);
    g.members.forEach(function (m) { addDoc(DOCS[m.doc]); });
    return parts.join("\n").toLowerCase();
  }

  function applyFilters() {
    var terms = state.query.toLowerCase().split(/\s+/).filter(Boolean);
    if (terms.length && !haystacks) { haystacks = GROUPS.map(groupHay); }
    var out = [];
    for (var k = 0; k < GROUPS.length; k++) {
      var g = GROUPS[k];
      if (state.relation && !g.rels[state.relation]) { continue; }
      if (terms.length) {
        var hay = haystacks[k], ok = true;
        for (var t = 0; t < terms.length; t++) { if (hay.indexOf(terms[t]) === -1) { ok = false; break; } }
        if (!ok) { continue; }
      }
      out.push(k);
    }
    if (state.sort !== "size") {  // the data comes largest first; sorting by score keeps that order on ties
      var sign = state.sort === "score-asc" ? 1 : -1;
      out.sort(function (x, y) {
        var a = GROUPS[x].score, b = GROUPS[y].score;
        if (a === null || a === undefined) { a = sign > 0 ? Infinity : -Infinity; }
        if (b === null || b === undefined) { b = sign > 0 ? Infinity : -Infinity; }
        return (a === b) ? x - y : sign * (a - b);
      });
    }
    state.filtered = out;
  }

  function renderGroupControls() {
    var sel = $("relation-filter");
    var counts = {};
    GROUPS.forEach(function (g) { Object.keys(g.rels).forEach(function (r) { counts[r] = (counts[r] || 0) + 1; }); });
    var all = el("option", null, "all (" + fmt(GROUPS.length) + " groups)");
    all.value = "";
    sel.appendChild(all);
    DATA.relations.forEach(function (r) {
      var o = el("option", null, r + (relationOff(r) ? " (tier off)" : " (" + fmt(counts[r] || 0) + ")"));
      o.value = r;
      sel.appendChild(o);
    });
    sel.addEventListener("change", function () { state.relation = sel.value; state.page = 0; refreshGroups(); });
    var order = $("sort");
    [["size", "size (largest first)"], ["score-asc", "score (lowest first)"], ["score-desc", "score (highest first)"]].forEach(function (o) {
      var opt = el("option", null, o[1]);
      opt.value = o[0];
      order.appendChild(opt);
    });
    order.addEventListener("change", function () { state.sort = order.value; state.page = 0; refreshGroups(); });
    var search = $("search"), timer = null;
    search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { state.query = search.value; state.page = 0; refreshGroups(); }, 150);
    });
    if (DATA.more_groups > 0) {
      var note = $("groups-note");
      note.textContent = "The report shows the " + fmt(GROUPS.length) + " largest of " + fmt(DATA.total_groups) +
        " groups (" + (DATA.text_budget_reached ? "report.max_total_chars" : "report.max_groups") +
        "); documents.parquet has them all.";
      note.hidden = false;
    }
  }

  function pager(box, page, pages, onPage, idPrefix) {
    box.textContent = "";
    var prev = el("button", null, "‹ Previous");
    prev.id = idPrefix + "-prev";
    prev.disabled = page <= 0;
    prev.addEventListener("click", function () { onPage(page - 1); });
    var next = el("button", null, "Next ›");
    next.id = idPrefix + "-next";
    next.disabled = page >= pages - 1;
    next.addEventListener("click", function () { onPage(page + 1); });
    var label = el("span", null, "page " + fmt(pages ? page + 1 : 0) + " of " + fmt(pages));
    label.id = idPrefix + "-page";
    add(box, prev, label, next);
  }

  function refreshGroups(openGroup) {
    applyFilters();
    var list = $("group-list");
    list.textContent = "";
    list.setAttribute("data-query", state.query);
    var total = state.filtered.length;
    var pages = Math.ceil(total / PAGE_SIZE);
    if (state.page >= pages) { state.page = Math.max(0, pages - 1); }
    $("group-count").textContent = fmt(total) + (total === 1 ? " group" : " groups") +
      (total !== GROUPS.length ? " match (of " + fmt(GROUPS.length) + ")" : "");
    var slice = state.filtered.slice(state.page * PAGE_SIZE, (state.page + 1) * PAGE_SIZE);
    slice.forEach(function (k, pos) {
      var card = groupCard(k, openGroup === undefined ? pos === 0 : k === openGroup);
      list.appendChild(card);
      if (k === openGroup) { card.scrollIntoView(); }
    });
    if (!total) { list.appendChild(el("p", "note", GROUPS.length ? "No group matches." : "This run found no groups of copies.")); }
    pager($("group-pager"), state.page, pages, function (p) { state.page = p; refreshGroups(); }, "group");
  }

  function relBadges(rels) {
    var frag = document.createDocumentFragment();
    DATA.relations.concat(["unknown"]).forEach(function (r) {
      if (rels[r]) { frag.appendChild(el("span", "badge " + r, rels[r] + " " + r)); }
    });
    return frag;
  }

  function groupAnchor(k) { return "group-" + (k + 1); }

  // #group-N in the address: clear the filters, go to the page that holds group N, open it.
  function showGroupFromHash() {
    var m = /^#group-(\d+)$/.exec(location.hash);
    var k = m ? Number(m[1]) - 1 : -1;
    if (k < 0 || k >= GROUPS.length) { return false; }
    state.relation = ""; state.query = "";
    $("relation-filter").value = ""; $("search").value = "";
    applyFilters();
    state.page = Math.floor(state.filtered.indexOf(k) / PAGE_SIZE);
    refreshGroups(k);
    return true;
  }

  function groupCard(k, open) {
    var g = GROUPS[k], canon = DOCS[g.canon];
    var card = el("details", "group");
    card.id = groupAnchor(k);
    card.setAttribute("data-group", String(k));
    var sum = el("summary");
    var link = el("a", "anchor", "#" + (k + 1));
    link.href = "#" + groupAnchor(k);
    link.title = "link to this group";
    add(sum, el("span", "size", g.size), el("span", "gtitle", docLabel(canon)), relBadges(g.rels));
    add(sum, el("span", "gscore", g.score === null || g.score === undefined ? "" : "score " + fmt3(g.score)), link);
    add(sum, el("div", "url", canon.url || canon.source || canon.id));
    card.appendChild(sum);
    var built = false;
    card.addEventListener("toggle", function () {
      if (card.open && !built) { built = true; card.appendChild(groupBody(g)); }
    });
    if (open) { card.open = true; }
    return card;
  }

  function docMeta(d) {
    var parts = [];
    if (d.site) { parts.push(d.site); }
    if (d.date) { parts.push(d.date); }
    if (d.words !== null && d.words !== undefined) { parts.push(fmt(d.words) + " words"); }
    parts.push(d.id);
    return parts.join(" · ");
  }

  function groupBody(g) {
    var canon = DOCS[g.canon];
    var body = el("div", "gbody");
    var info = el("div", "canon-info");
    add(info, el("strong", null, "Canonical: "), el("span", "gtitle", docLabel(canon)));
    add(info, el("div", "url", canon.url || ""), el("div", "url", docMeta(canon)));
    body.appendChild(info);
    var reason = el("div", "reason");
    add(reason, el("strong", null, "Why this one is the canonical: "), g.reason || "no reason recorded");
    body.appendChild(reason);
    g.members.forEach(function (m, pos) { body.appendChild(memberView(canon, m, pos < 3)); });
    if (g.more_members > 0) {
      body.appendChild(el("p", "note", fmt(g.more_members) + " more members are not shown (report.max_members); documents.parquet lists them."));
    }
    if (g.related && g.related.length) {
      var rel = el("div", "related");
      rel.appendChild(el("strong", null, "Also related to (near misses of the rewrite decision, not grouped):"));
      var list = el("ul");
      g.related.forEach(function (x) {
        list.appendChild(el("li", null, (x.title || x.url || x.doc) + " — " + x.doc + " (score " + x.score.toFixed(2) +
          ", via " + x.member + ")"));
      });
      rel.appendChild(list);
      body.appendChild(rel);
    }
    return body;
  }

  // The figures on one line, then the evidence in words (built from the run's settings in Python).
  function scoresLine(m) {
    var box = el("div", "evidence");
    var line = el("div", "scores");
    function item(label, value) { add(line, label + " ", el("b", null, value), "   "); }
    item("relation", m.relation || "–");
    item("score", fmt3(m.score));
    var p = m.pair;
    if (p) {
      item("jaccard", fmt3(p.jaccard));
      item("containment", fmt3(p.containment));
    } else {
      item("pair", "no direct pair; linked through other members");
    }
    if (m.via) { item("via", m.via); }
    if (m.names.length) {
      item("names", m.names.map(function (n) { return n[0] + " → " + n[1]; }).join("; "));
    }
    box.appendChild(line);
    var words = p ? (p.words || []) : [];
    if (words.length) {
      var list = el("ul", "why");
      words.forEach(function (w) { list.appendChild(el("li", null, w)); });
      box.appendChild(list);
    }
    return box;
  }

  function memberView(canon, m, open) {
    var d = DOCS[m.doc];
    var box = el("details", "member");
    box.setAttribute("data-member", d.id);
    var sum = el("summary");
    add(sum, el("span", "badge " + (m.relation || "unknown"), m.relation || "?"), " ", el("span", "gtitle", docLabel(d)));
    add(sum, el("div", "url", (d.url ? d.url + " · " : "") + docMeta(d)));
    box.appendChild(sum);
    var built = false;
    function build() {
      if (built) { return; }
      built = true;
      box.appendChild(scoresLine(m));
      box.appendChild(alignTable(canon, d, m));
      box.appendChild(fullTexts(canon, d, m));
    }
    box.addEventListener("toggle", function () { if (box.open) { build(); } });
    if (open) { box.open = true; build(); }
    return box;
  }

  function alignTable(canon, d, m) {
    var wrap = el("div");
    var canonNames = m.names.map(function (n) { return n[0]; });
    var memberNames = m.names.map(function (n) { return n[1]; });
    var t = el("table", "align");
    var cg = el("colgroup");
    add(cg, el("col"), el("col"), el("col", "sim"));
    t.appendChild(cg);
    var head = el("tr");
    add(head, el("th", null, "canonical: " + docLabel(canon)), el("th", null, "member: " + docLabel(d)), el("th", null, "sim."));
    add(t, add(el("thead"), head));
    var body = el("tbody");
    var rows = [];
    if (m.aligned) {
      m.aligned.forEach(function (r) { rows.push([r[0], r[1], r[2]]); });
    } else {
      m.rows.forEach(function (r) {
        rows.push([r[0] >= 0 ? canon.sents[r[0]] : null, r[1] >= 0 ? d.sents[r[1]] : null, r[2]]);
      });
    }
    var differing = 0;
    rows.forEach(function (r) {
      var same = r[0] !== null && r[1] !== null && r[0] === r[1];
      if (!same) { differing++; }
      var tr = el("tr", same ? "same" : "diff");
      var left = el("td", r[0] === null ? "txt gap" : "txt");
      var right = el("td", r[1] === null ? "txt gap" : "txt");
      // Word differences only for computed (lexical) alignments: in a rewrite nearly every word
      // differs, so there only the name spellings are marked.
      var paired = r[0] !== null && r[1] !== null;
      var diff = paired && !same && !m.aligned;
      if (r[0] !== null) { left.appendChild(highlighted(r[0], diff ? r[1] : null, canonNames)); }
      if (r[1] !== null) { right.appendChild(highlighted(r[1], diff ? r[0] : null, memberNames)); }
      add(tr, left, right, el("td", "sim", paired ? fmt3(r[2]) : ""));
      body.appendChild(tr);
    });
    t.appendChild(body);
    var caption = el("div", "scores");
    var pairsShown = rows.filter(function (r) { return r[0] !== null && r[1] !== null; }).length;
    caption.textContent = m.aligned
      ? fmt(pairsShown) + " aligned sentence pairs (from the match evidence), " + fmt(rows.length - pairsShown) +
        " sentences without a counterpart; the full texts are below."
      : fmt(rows.length) + " rows, " + fmt(differing) + " differ.";
    var toggle = el("label", "only-diff");
    var cb = el("input");
    cb.type = "checkbox";
    add(toggle, cb, " only differing rows");
    cb.addEventListener("change", function () {
      Array.prototype.forEach.call(body.querySelectorAll("tr.same"), function (tr) { tr.hidden = cb.checked; });
    });
    caption.appendChild(toggle);
    add(wrap, caption, t);
    if (!rows.length) { wrap.appendChild(el("p", "note", "No sentences to align.")); }
    return wrap;
  }

  function paragraphs(d, names) {
    var box = el("div");
    var starts = d.paras.length ? d.paras : [0];
    for (var k = 0; k < starts.length; k++) {
      var end = k + 1 < starts.length ? starts[k + 1] : d.sents.length;
      box.appendChild(add(el("p"), highlighted(d.sents.slice(starts[k], end).join(" "), null, names)));
    }
    if (d.cut) { box.appendChild(el("p", "note", "Text cut for the report; the full text (" + fmt(d.cut) + " characters) is in documents.parquet.")); }
    return box;
  }

  function fullTexts(canon, d, m) {
    var det = el("details", "full");
    add(det, el("summary", null, "Full texts side by side"));
    var built = false;
    det.addEventListener("toggle", function () {
      if (!det.open || built) { return; }
      built = true;
      var grid = el("div", "fulltexts");
      var left = el("div"), right = el("div");
      add(left, el("h4", null, "canonical: " + docLabel(canon)), paragraphs(canon, m.names.map(function (n) { return n[0]; })));
      add(right, el("h4", null, "member: " + docLabel(d)), paragraphs(d, m.names.map(function (n) { return n[1]; })));
      add(grid, left, right);
      det.appendChild(grid);
    });
    return det;
  }

  /* ---------------------------------------------------------------- documents */
  var docState = { query: "", page: 0 };
  var DOC_PAGE_SIZE = 50;

  function docRole(d) {
    if (d.role) { return d.role + " in a group this report does not show"; }
    if (d.g === undefined) { return "kept (unique)"; }
    var g = GROUPS[d.g];
    if (DOCS[g.canon] === d) { return "canonical of group #" + (d.g + 1); }
    var m = g.members.filter(function (x) { return DOCS[x.doc] === d; })[0];
    return (m && m.relation ? m.relation : "member") + " in group #" + (d.g + 1);
  }

  function renderDocumentControls() {
    var search = $("doc-search"), timer = null;
    search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { docState.query = search.value; docState.page = 0; refreshDocuments(); }, 150);
    });
    if (DATA.more_documents > 0) {
      var note = $("documents-note");
      note.textContent = fmt(DATA.more_documents) + " more kept documents are not listed (report.max_documents or " +
        "report.max_total_chars); documents.parquet has every text.";
      note.hidden = false;
    }
  }

  function refreshDocuments() {
    var terms = docState.query.toLowerCase().split(/\s+/).filter(Boolean);
    var list = DATA.documents.filter(function (k) {
      var d = DOCS[k], hay = [d.id, d.title || "", d.url || "", d.site || ""].join("\n").toLowerCase();
      return terms.every(function (t) { return hay.indexOf(t) !== -1; });
    });
    var box = $("document-list");
    box.textContent = "";
    box.setAttribute("data-query", docState.query);
    $("document-count").textContent = fmt(list.length) + " listed";
    var pages = Math.ceil(list.length / DOC_PAGE_SIZE);
    list.slice(docState.page * DOC_PAGE_SIZE, (docState.page + 1) * DOC_PAGE_SIZE).forEach(function (k) {
      var d = DOCS[k];
      var det = el("details", "doc");
      det.setAttribute("data-doc", d.id);
      var sum = el("summary");
      add(sum, el("span", "gtitle", docLabel(d)), " ", el("span", "muted", docRole(d)));
      add(sum, el("div", "url", (d.url ? d.url + " · " : "") + docMeta(d)));
      det.appendChild(sum);
      var built = false;
      det.addEventListener("toggle", function () {
        if (det.open && !built) { built = true; det.appendChild(add(el("div", "doctext"), paragraphs(d, []))); }
      });
      box.appendChild(det);
    });
    if (!list.length) { box.appendChild(el("p", "note", "No document matches.")); }
    pager($("document-pager"), docState.page, pages, function (p) { docState.page = p; refreshDocuments(); }, "document");
  }

  /* ---------------------------------------------------------------- rejected */
  var rejState = { reason: "", page: 0 };

  function renderRejectedControls() {
    var sel = $("reason-filter");
    var counts = {};
    DATA.rejected.forEach(function (r) { var k = r.reason || "unknown"; counts[k] = (counts[k] || 0) + 1; });
    var all = el("option", null, "all (" + fmt(DATA.rejected.length) + ")");
    all.value = "";
    sel.appendChild(all);
    Object.keys(counts).sort().forEach(function (k) {
      var o = el("option", null, k + " (" + fmt(counts[k]) + ")");
      o.value = k;
      sel.appendChild(o);
    });
    sel.addEventListener("change", function () { rejState.reason = sel.value; rejState.page = 0; refreshRejected(); });
    if (DATA.more_rejected > 0) {
      var note = $("rejected-note");
      note.textContent = fmt(DATA.more_rejected) + " more rejected documents are not listed (report.max_rejected); documents.parquet has them all.";
      note.hidden = false;
    }
  }

  function refreshRejected() {
    var rows = DATA.rejected.filter(function (r) { return !rejState.reason || (r.reason || "unknown") === rejState.reason; });
    var pages = Math.ceil(rows.length / REJECTED_PAGE_SIZE);
    var box = $("rejected-list");
    box.textContent = "";
    $("rejected-count").textContent = fmt(rows.length) + " listed";
    if (!rows.length) {
      box.appendChild(el("p", "note", "No rejected documents."));
    } else {
      var t = el("table", "rej");
      var head = el("tr");
      add(head, el("th", null, "document"), el("th", null, "source"), el("th", null, "url"), el("th", null, "reason"));
      add(t, add(el("thead"), head));
      var body = el("tbody");
      rows.slice(rejState.page * REJECTED_PAGE_SIZE, (rejState.page + 1) * REJECTED_PAGE_SIZE).forEach(function (r) {
        var tr = el("tr");
        add(tr, el("td", null, r.id), el("td", null, r.source || ""), el("td", null, r.url || ""), el("td", null, r.reason || ""));
        body.appendChild(tr);
      });
      add(t, body);
      box.appendChild(t);
    }
    pager($("rejected-pager"), rejState.page, pages, function (p) { rejState.page = p; refreshRejected(); }, "rejected");
  }

  renderSummary();
  renderGroupControls();
  if (!showGroupFromHash()) { refreshGroups(); }
  window.addEventListener("hashchange", showGroupFromHash);
  renderDocumentControls();
  refreshDocuments();
  renderRejectedControls();
  refreshRejected();
  document.documentElement.setAttribute("data-ready", "1");
})();
