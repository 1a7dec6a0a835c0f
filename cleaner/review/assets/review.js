// The review page's script: unpack the sampled documents, sort the rule table, filter the
// documents, and show one rule's removed lines in context or one document line by line.
// Plain JavaScript, no library; the page works from disk, with no network.
"use strict";

(function () {
  const CONTEXT = 2;          // lines of context before and after a rule's removed lines
  const GROUPS_AT_ONCE = 200; // documents shown at once in a rule's view ("show more" for the rest)

  const $ = (id) => document.getElementById(id);
  const state = { rule: "", set: "", site: "", type: "", q: "", doc: -1 };
  let data = null;
  let shown = [];  // indices into data.docs that pass the filters, in input order

  // ---- the rule table: sortable by any column (it is plain HTML without JavaScript) ----
  function sortTable(th) {
    const table = $("rules");
    const body = table.tBodies[0];
    const column = Array.prototype.indexOf.call(th.parentNode.children, th);
    const numeric = th.dataset.type === "number";
    const descending = th.getAttribute("aria-sort") !== "descending" ? numeric : false;
    for (const other of th.parentNode.children) other.removeAttribute("aria-sort");
    th.setAttribute("aria-sort", descending ? "descending" : "ascending");
    const value = (row) => {
      const cell = row.children[column];
      return numeric ? Number(cell.dataset.value) : cell.textContent.toLowerCase();
    };
    const rows = Array.from(body.rows);
    rows.sort((a, b) => {
      const x = value(a), y = value(b);
      const order = x < y ? -1 : x > y ? 1 : 0;
      return descending ? -order : order;
    });
    for (const row of rows) body.appendChild(row);
  }

  function setUpTable() {
    for (const th of $("rules").tHead.rows[0].children) {
      th.tabIndex = 0;
      th.title = "Sort by this column";
      th.addEventListener("click", () => sortTable(th));
      th.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sortTable(th); }
      });
    }
  }

  // ---- unpacking the documents ----
  async function unpack() {
    const packed = $("review-data").textContent.trim();
    const bytes = Uint8Array.from(atob(packed), (c) => c.charCodeAt(0));
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return JSON.parse(await new Response(stream).text());
  }

  // A line of a document: {text, rule (-1: kept), note}.
  function line(raw) {
    return typeof raw === "string" ? { text: raw, rule: -1, note: "" }
                                   : { text: raw[0], rule: raw[1], note: raw[2] || "" };
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "class") node.className = value;
      else node.setAttribute(key, value);
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  const ruleId = (index) => (index >= 0 ? data.rules[index].id : "");
  const ruleLink = (index) => el("a", { href: "#rule=" + encodeURIComponent(ruleId(index)), class: "rule" }, ruleId(index));
  const docTitle = (doc) => doc.meta.title || doc.id || "(untitled)";

  // ---- filters ----
  function documentRules(doc) {
    if (!doc._rules) {
      const rules = new Set();
      for (const raw of doc.lines) { const l = line(raw); if (l.rule >= 0) rules.add(l.rule); }
      for (const cut of doc.cuts || []) rules.add(cut[1]);
      doc._rules = rules;
      doc._removed = doc.lines.filter((raw) => line(raw).rule >= 0).length;
    }
    return doc._rules;
  }

  function documentSets(doc) {
    if (!doc._sets) {
      const sets = new Set(doc.meta.rulesets || []);
      for (const rule of documentRules(doc)) {
        for (const name of data.rules[rule].set.split(", ")) if (name) sets.add(name);
      }
      doc._sets = sets;
    }
    return doc._sets;
  }

  function searchable(doc) {
    if (doc._text === undefined) {
      const parts = [doc.id, doc.meta.title || "", doc.meta.url || ""];
      for (const raw of doc.lines) parts.push(line(raw).text);
      for (const cut of doc.cuts || []) parts.push(cut[2]);
      doc._text = parts.join("\n").toLowerCase();
    }
    return doc._text;
  }

  function passes(doc) {
    if (state.rule !== "" && !documentRules(doc).has(Number(state.rule))) return false;
    if (state.set && !documentSets(doc).has(state.set)) return false;
    if (state.site && (doc.meta.site || "") !== state.site) return false;
    if (state.type && (doc.meta.page_type || "") !== state.type) return false;
    if (state.q && !searchable(doc).includes(state.q)) return false;
    return true;
  }

  function fillSelect(select, values, label) {
    for (const [value, text] of values) select.append(el("option", { value: value }, label ? label(value, text) : text));
  }

  function counted(values) {
    const counts = new Map();
    for (const value of values) if (value) counts.set(value, (counts.get(value) || 0) + 1);
    return Array.from(counts.entries()).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  function setUpFilters() {
    const hit = data.rules.map((rule, index) => [String(index), rule]).filter(([, rule]) => rule.lines > 0);
    hit.sort((a, b) => (a[1].id < b[1].id ? -1 : 1));
    fillSelect($("f-rule"), hit.map(([index, rule]) => [index, `${rule.id} (${rule.lines})`]));
    const sets = new Set();
    for (const rule of data.rules) for (const name of rule.set.split(", ")) if (name) sets.add(name);
    fillSelect($("f-set"), Array.from(sets).sort().map((name) => [name, name]));
    fillSelect($("f-site"), counted(data.docs.map((doc) => doc.meta.site)).map(([site, n]) => [site, `${site} (${n})`]));
    const types = counted(data.docs.map((doc) => doc.meta.page_type));
    fillSelect($("f-type"), types.map(([type, n]) => [type, `${type} (${n})`]));
    if (!types.length) {
      $("f-type").disabled = true;
      $("f-type").title = "No document of this run has a page type";
    }
    const bind = (id, key) => $(id).addEventListener("change", () => {
      state[key] = $(id).value;
      if (key === "rule") { location.hash = state.rule === "" ? "" : "#rule=" + encodeURIComponent(ruleId(Number(state.rule))); return; }
      refresh();
    });
    bind("f-rule", "rule"); bind("f-set", "set"); bind("f-site", "site"); bind("f-type", "type");
    $("f-search").addEventListener("input", () => { state.q = $("f-search").value.trim().toLowerCase(); refresh(); });
  }

  // ---- the document list ----
  function renderList() {
    const list = $("doc-list");
    list.replaceChildren();
    const items = el("ol");
    for (const index of shown) {
      const doc = data.docs[index];
      documentRules(doc);
      const attrs = { href: "#doc=" + doc.n, "data-doc": String(index) };
      if (index === state.doc) attrs["aria-current"] = "true";
      items.append(el("li", null, el("a", attrs,
        el("span", { class: "t" }, docTitle(doc)),
        el("span", { class: "m" }, [doc.meta.site, doc.meta.page_type, `${doc._removed} of ${doc.lines.length} lines removed`]
          .filter(Boolean).join(" · ")))));
    }
    list.append(items);
    $("f-count").textContent = `${shown.length} of ${data.docs.length} documents`;
  }

  // ---- a rule's view: its removed lines in context, grouped by document ----
  function ruleGroups(doc, rule) {
    const lines = doc.lines.map(line);
    const hits = new Set();
    lines.forEach((l, n) => { if (l.rule === rule) hits.add(n); });
    for (const cut of doc.cuts || []) if (cut[1] === rule) hits.add(cut[0]);
    const numbers = Array.from(hits).sort((a, b) => a - b);
    // A window around each hit: CONTEXT non-blank lines before and after; overlapping windows merge.
    const windows = [];
    for (const n of numbers) {
      let start = n, before = 0;
      while (start > 0 && before < CONTEXT) { start--; if (lines[start].text.trim()) before++; }
      let end = n, after = 0;
      while (end < lines.length - 1 && after < CONTEXT) { end++; if (lines[end].text.trim()) after++; }
      const last = windows[windows.length - 1];
      if (last && start <= last[1] + 1) last[1] = Math.max(last[1], end);
      else windows.push([start, end]);
    }
    return { lines, hits, windows };
  }

  function lineRow(doc, lines, n, focus) {
    const l = lines[n];
    // In a rule's view its own lines stand out; lines other rules removed are greyed.
    const cls = l.rule === -1 ? "kept" : l.rule === focus ? "removed hit" : focus >= 0 ? "removed other" : "removed";
    const verdict = l.rule === -1 ? el("span", { class: "v" }, "keep", l.note ? ` (${l.note})` : "")
                                  : el("span", { class: "v" }, ruleLink(l.rule), l.note ? " " + l.note : "");
    const row = el("div", { class: "line " + cls, "data-line": String(n + 1) },
      el("span", { class: "no" }, n + 1), verdict, el("span", { class: "text" }, l.text));
    if (state.q && l.text.toLowerCase().includes(state.q)) row.classList.add("match");
    const cuts = (doc.cuts || []).filter((cut) => cut[0] === n);
    if (!cuts.length) return [row];
    return [row, ...cuts.map((cut) => el("div", { class: "line cut" + (cut[1] === focus ? " hit" : "") },
      el("span", { class: "no" }, ""), el("span", { class: "v" }, "✂ ", ruleLink(cut[1])),
      el("span", { class: "text" }, "cut: ", el("q", null, cut[2]))))];
  }

  function renderRule(rule, limit) {
    const info = data.rules[rule];
    const view = $("view");
    view.replaceChildren();
    const docs = shown.filter((index) => documentRules(data.docs[index]).has(rule));
    let lines = 0;
    for (const index of docs) lines += ruleGroups(data.docs[index], rule).hits.size;
    view.append(el("h2", { id: "rule-title" }, "Rule ", el("code", null, info.id), " ", el("small", null, info.set)));
    if (info.description) view.append(el("p", { class: "description" }, info.description));
    view.append(el("p", { class: "rule-counts" },
      `Over the whole run: ${info.lines} lines in ${info.documents} documents (${(info.share * 100).toFixed(1)}% of removed words). ` +
      `Shown: ${lines} lines in ${docs.length} documents of the sample that pass the filters, with ${CONTEXT} lines of context.`));
    for (const index of docs.slice(0, limit)) {
      const doc = data.docs[index];
      const { lines: all, windows } = ruleGroups(doc, rule);
      const group = el("article", { class: "group", "data-doc": String(index) },
        el("h3", null, el("a", { href: "#doc=" + doc.n }, docTitle(doc)), " ",
          el("small", null, [doc.meta.site, doc.meta.page_type, doc.id === docTitle(doc) ? "" : doc.id].filter(Boolean).join(" · "))));
      windows.forEach(([start, end], w) => {
        if (w) group.append(el("div", { class: "gap" }, "⋯"));
        for (let n = start; n <= end; n++) {
          if (!all[n].text.trim() && n !== start && n !== end) continue;
          group.append(...lineRow(doc, all, n, rule));
        }
      });
      view.append(group);
    }
    if (docs.length > limit) {
      const more = el("button", { type: "button", id: "more" }, `Show all ${docs.length} documents`);
      more.addEventListener("click", () => renderRule(rule, Infinity));
      view.append(more);
    }
    if (!docs.length) view.append(el("p", { class: "hint" }, "No document of the sample passes the filters for this rule."));
  }

  // ---- a document's view: every line, kept or removed, with the rule and note ----
  function renderDocument(index) {
    const doc = data.docs[index];
    const view = $("view");
    view.replaceChildren();
    const position = shown.indexOf(index);
    const nav = el("p", { class: "doc-nav" });
    const step = (delta, label) => {
      const button = el("button", { type: "button" }, label);
      button.disabled = position < 0 || position + delta < 0 || position + delta >= shown.length;
      button.addEventListener("click", () => move(delta));
      return button;
    };
    nav.append(step(-1, "← previous (k)"), " ",
      position >= 0 ? `document ${position + 1} of ${shown.length}` : "not in the filtered list", " ", step(1, "next (j) →"));
    if (state.rule !== "") {
      const back = el("a", { href: "#rule=" + encodeURIComponent(ruleId(Number(state.rule))) }, `back to rule ${ruleId(Number(state.rule))} (Esc)`);
      nav.append(" ", back);
    }
    view.append(nav);
    view.append(el("h2", { id: "doc-title" }, docTitle(doc)));
    const meta = el("dl", { class: "meta" });
    const order = ["page_type", "site", "url", "date", "language", "author", "words", "rulesets"];
    const keys = order.filter((key) => key in doc.meta).concat(Object.keys(doc.meta).filter((key) => !order.includes(key) && key !== "title").sort());
    meta.append(el("dt", null, "id"), el("dd", null, doc.id));
    for (const key of keys) {
      const value = doc.meta[key];
      if (value === null || value === undefined || value === "") continue;
      meta.append(el("dt", null, key.replace("_", " ")),
        el("dd", { class: key === "page_type" ? "page-type" : "" }, Array.isArray(value) ? value.join(", ") : typeof value === "object" ? JSON.stringify(value) : value));
    }
    view.append(meta);
    for (const warning of doc.warnings || []) view.append(el("p", { class: "warning" }, "warning: " + warning));
    documentRules(doc);
    view.append(el("p", { class: "legend" }, `${doc._removed} of ${doc.lines.length} lines removed. `,
      el("span", { class: "line kept sample" }, "kept"), " ", el("span", { class: "line removed sample" }, "removed"), " ",
      el("span", { class: "line cut sample" }, "✂ fragment cut from a kept line")));
    const lines = doc.lines.map(line);
    const body = el("div", { class: "lines", id: "doc-lines" });
    const focus = state.rule === "" ? -2 : Number(state.rule);
    for (let n = 0; n < lines.length; n++) body.append(...lineRow(doc, lines, n, focus));
    view.append(body);
  }

  // ---- navigation ----
  function move(delta) {
    if (!shown.length) return;
    const position = shown.indexOf(state.doc);
    const next = position < 0 ? (delta > 0 ? 0 : shown.length - 1) : position + delta;
    if (next < 0 || next >= shown.length) return;
    location.hash = "#doc=" + data.docs[shown[next]].n;
  }

  const byNumber = new Map();

  function route() {
    const hash = decodeURIComponent(location.hash.slice(1));
    state.doc = -1;
    if (hash.startsWith("rule=")) {
      const id = hash.slice(5);
      const index = data.rules.findIndex((rule) => rule.id === id);
      state.rule = index >= 0 ? String(index) : "";
      $("f-rule").value = state.rule;
    } else if (hash.startsWith("doc=")) {
      const index = byNumber.get(Number(hash.slice(4)));
      state.doc = index === undefined ? -1 : index;
    } else {
      state.rule = "";
      $("f-rule").value = "";
    }
    refresh();
    if (state.doc < 0 && (hash.startsWith("rule=") || hash.startsWith("doc="))) $("view").scrollIntoView({ block: "start" });
  }

  function refresh() {
    shown = [];
    data.docs.forEach((doc, index) => { if (passes(doc)) shown.push(index); });
    renderList();
    for (const row of $("rules").tBodies[0].rows) row.classList.toggle("chosen", row.dataset.rule === state.rule);
    if (state.doc >= 0) {
      renderDocument(state.doc);
      const current = $("doc-list").querySelector('[aria-current="true"]');
      if (current) current.scrollIntoView({ block: "nearest" });
    } else if (state.rule !== "") {
      renderRule(Number(state.rule), GROUPS_AT_ONCE);
    } else {
      $("view").replaceChildren(el("p", { class: "hint" },
        "Choose a rule in the table (or the Rule filter) to see the lines it removed, or a document in the list to see every line."));
    }
  }

  function onKey(event) {
    const target = event.target;
    const typing = target instanceof HTMLInputElement || target instanceof HTMLSelectElement || target instanceof HTMLTextAreaElement;
    if (event.key === "Escape") {
      if (typing) { target.blur(); return; }
      if (state.doc >= 0 && state.rule !== "") location.hash = "#rule=" + encodeURIComponent(ruleId(Number(state.rule)));
      return;
    }
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "j" || event.key === "n") { event.preventDefault(); move(1); }
    else if (event.key === "k" || event.key === "p") { event.preventDefault(); move(-1); }
    else if (event.key === "/") { event.preventDefault(); $("f-search").focus(); }
  }

  async function start() {
    setUpTable();
    try {
      data = { rules: [], docs: [] };
      const about = JSON.parse($("review-about").textContent);
      data.rules = about.rules;
      data.docs = await unpack();
    } catch (error) {
      $("view").replaceChildren(el("p", { class: "warning" },
        "The documents could not be unpacked in this browser (it needs DecompressionStream): " + error));
      return;
    }
    data.docs.forEach((doc, index) => byNumber.set(doc.n, index));
    setUpFilters();
    window.addEventListener("hashchange", route);
    document.addEventListener("keydown", onKey);
    document.body.dataset.ready = "true";  // for tests and for anyone scripting the page
    route();
  }

  start();
})();
