// canon search: static, sharded index under search/; no server, nothing from other origins.
// Mirrors src/search/text.rs (words, stopwords, stemming) and src/search/query.rs (ranking).
(() => {
  "use strict";
  const script = document.currentScript;
  const root = script ? script.src.replace(/search\.js(\?.*)?$/, "") : "/";
  const STOP = new Set("a an and are as at be by for from has have in is it its of on or that the their this to was were which with".split(" "));
  const cache = new Map();
  const get = (path) => {
    if (!cache.has(path)) cache.set(path, fetch(root + path).then((r) => (r.ok ? r.json() : null)).catch(() => null));
    return cache.get(path);
  };
  function words(text) {
    const out = [];
    for (let raw of text.toLowerCase().split(/[^\p{L}\p{N}-]+/u)) {
      raw = raw.replace(/^-+|-+$/g, "");
      if (!raw) continue;
      if (raw.includes("-")) {
        if (/\d/.test(raw) && /^[a-z0-9-]+$/.test(raw)) out.push(raw);
        out.push(...raw.split("-").filter(Boolean));
      } else out.push(raw);
    }
    return out;
  }
  function stem(w) {
    if (w.length <= 3 || w.includes("-") || /\d/.test(w)) return w;
    if (w.endsWith("ies") && w.length > 4) w = w.slice(0, -3) + "y";
    else if (/(sses|xes|zes|ches|shes)$/.test(w)) w = w.slice(0, -2);
    else if (w.endsWith("s") && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
    let stripped = false;
    if (w.endsWith("ing") && w.length > 5) { w = w.slice(0, -3); stripped = true; }
    else if (w.endsWith("ed") && w.length > 4) { w = w.slice(0, -2); stripped = true; }
    const n = w.length;
    if (stripped && n > 2 && w[n - 1] === w[n - 2] && !"lsz".includes(w[n - 1])) w = w.slice(0, -1);
    return w;
  }
  const terms = (text) => words(text).filter((w) => !STOP.has(w)).map(stem);
  const fileKey = (p) => [...p].map((c) => (/[a-z0-9]/i.test(c) ? c : [...new TextEncoder().encode(c)].map((b) => "_" + b.toString(16).padStart(2, "0")).join(""))).join("");
  let known = null;
  async function shard(term, meta) {
    const chars = [...term];
    if (chars.length < 2) return {};
    const two = chars.slice(0, 2).join("");
    const key = meta.split.includes(two) ? chars.slice(0, 3).join("") : two;
    known = known || new Set(meta.shards);
    if (!known.has(key)) return {};
    return (await get("search/t/" + fileKey(key) + ".json")) || {};
  }
  async function postings(term, meta, prefix) {
    const s = await shard(term, meta);
    const out = new Map();
    const keys = prefix ? Object.keys(s).filter((k) => k.startsWith(term)).slice(0, 30) : s[term] ? [term] : [];
    for (const k of keys) {
      const list = s[k];
      let d = 0;
      for (let i = 0; i < list.length; i += 3) {
        d += list[i];
        const prev = out.get(d);
        const w = k === term ? list[i + 1] : Math.max(1, list[i + 1] >> 1);
        if (!prev || w > prev[0]) out.set(d, [w, list[i + 2]]);
      }
    }
    return out;
  }
  async function groupScores(alternatives, meta, prefix) {
    const best = new Map();
    for (const [t, isPrefix] of alternatives) {
      for (const [d, [w, s]] of await postings(t, meta, prefix && isPrefix)) {
        const e = best.get(d);
        if (!e || w > e[0]) best.set(d, [w, s]);
      }
    }
    return best;
  }
  // Runs a query; `live` treats the last word as a prefix still being typed.
  async function search(query, live) {
    const meta = await get("search/meta.json");
    if (!meta) return null;
    const lower = query.trim().toLowerCase();
    const gloss = meta.glossary[lower] || null;
    const ws = words(lower).filter((w) => !STOP.has(w));
    let scores = null;
    if (gloss) {
      // The whole query names a glossary term: the term's words together, or the query's.
      scores = await allOf(terms(gloss.t).map((t) => [[t, false]]), meta, false);
      const own = await allOf(ws.map((w, i) => [[stem(w), i === ws.length - 1]]), meta, live);
      for (const [d, v] of own) { const e = scores.get(d); if (!e || v[0] > e[0]) scores.set(d, v); }
      // The term's own entry comes first.
      let top = 0;
      for (const [w] of scores.values()) top = Math.max(top, w);
      scores.set(gloss.d, [top + 1, 0]);
    } else {
      const groups = ws.map((w, i) => {
        const alts = [[stem(w), i === ws.length - 1]];
        const g = meta.glossary[w];
        if (g) for (const t of terms(g.t)) alts.push([t, false]);
        return alts;
      });
      scores = await allOf(groups, meta, live);
    }
    // Highlight the term a glossary word stands for as well as the word.
    const marks = gloss ? [...ws, ...words(gloss.t).filter((w) => !STOP.has(w))] : ws;
    return { meta, gloss, scores, ws: marks };
  }
  async function allOf(groups, meta, live) {
    let acc = null;
    for (const g of groups) {
      const best = await groupScores(g, meta, live);
      if (acc === null) acc = best;
      else {
        const next = new Map();
        for (const [d, [w, s]] of acc) { const b = best.get(d); if (b) next.set(d, [w + b[0], s]); }
        acc = next;
      }
    }
    return acc || new Map();
  }
  async function facetRows() { return (await get("search/facets.json")) || []; }
  function matches(row, filters, meta) {
    for (const [name, values] of Object.entries(filters)) {
      if (!values.length) continue;
      if (name === "collection") {
        const c = meta.collections[row[0]];
        if (!c || !values.includes(c.name)) return false;
      } else {
        const t = meta.taxonomies.findIndex((x) => x.name === name);
        const have = row.slice(1).filter((p) => p[0] === t).map((p) => meta.taxonomies[t].terms[p[1]]);
        if (!values.some((v) => have.includes(v))) return false;
      }
    }
    return true;
  }
  async function ranked(result, filters) {
    const rows = await facetRows();
    const { meta, scores } = result;
    const counts = { collection: new Map() };
    for (const t of meta.taxonomies) counts[t.name] = new Map();
    const hits = [];
    for (const [d, [w, s]] of scores) {
      const row = rows[d] || [-1];
      const c = meta.collections[row[0]];
      if (c) counts.collection.set(c.name, (counts.collection.get(c.name) || 0) + 1);
      for (const p of row.slice(1)) {
        const t = meta.taxonomies[p[0]];
        if (t) counts[t.name].set(t.terms[p[1]], (counts[t.name].get(t.terms[p[1]]) || 0) + 1);
      }
      if (matches(row, filters, meta)) hits.push([d, w, s]);
    }
    hits.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    return { hits, counts };
  }
  async function describe(hit, ws) {
    const doc = await get("search/d/" + hit[0] + ".json");
    if (!doc) return null;
    const sec = doc.s[hit[2]] || doc.s[0] || ["", "", ""];
    let url = root + doc.u;
    if (hit[2] > 0 && sec[0]) url += "#" + sec[0];
    const text = sec[2] || doc.x || "";
    const lower = text.toLowerCase();
    let at = -1;
    for (const w of ws) { const i = lower.indexOf(w); if (i >= 0 && (at < 0 || i < at)) at = i; }
    const start = Math.max(0, at - 60);
    const excerpt = (start > 0 ? "…" : "") + text.slice(start, start + 180) + (start + 180 < text.length ? "…" : "");
    return { title: doc.t, id: doc.i, url, section: hit[2] > 0 ? sec[1] : "", collection: doc.c, excerpt };
  }
  function highlight(el, text, ws) {
    const re = ws.length ? new RegExp("(" + ws.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|") + ")", "gi") : null;
    let last = 0;
    if (re) for (const m of text.matchAll(re)) {
      el.append(text.slice(last, m.index));
      const mark = document.createElement("mark");
      mark.textContent = m[0];
      el.append(mark);
      last = m.index + m[0].length;
    }
    el.append(text.slice(last));
  }
  window.canonSearch = { search, ranked, describe, words, stem, terms };

  // The search page: results, facets and the glossary definition, all in the URL.
  const page = document.getElementById("search-page");
  if (page) {
    const form = page.querySelector("form");
    const input = form.querySelector("input[name=q]");
    const list = document.getElementById("search-results");
    const status = document.getElementById("search-status");
    const facetsBox = document.getElementById("search-facets");
    const definition = document.getElementById("search-definition");
    page.querySelector(".search-js").hidden = false;
    const params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    const filters = {};
    async function run() {
      const q = input.value.trim();
      const url = new URLSearchParams();
      if (q) url.set("q", q);
      for (const [k, vs] of Object.entries(filters)) for (const v of vs) url.append(k, v);
      history.replaceState(null, "", "?" + url.toString());
      list.replaceChildren();
      facetsBox.replaceChildren();
      definition.hidden = true;
      if (q.length < 2) { status.textContent = ""; return; }
      const result = await search(q, false);
      if (!result) { status.textContent = "Search is not available."; return; }
      const meta = result.meta;
      for (const t of ["collection", ...meta.taxonomies.map((t) => t.name)]) if (!filters[t]) filters[t] = params.getAll(t);
      const { hits, counts } = await ranked(result, filters);
      status.textContent = hits.length + (hits.length === 1 ? " result" : " results") + " for “" + q + "”";
      if (result.gloss) {
        const doc = await get("search/d/" + result.gloss.d + ".json");
        if (doc) {
          definition.replaceChildren();
          const h = document.createElement("h2");
          h.textContent = doc.t + (doc.i ? " (" + doc.i + ")" : "");
          const p = document.createElement("p");
          p.textContent = (doc.s[0] && doc.s[0][2]) || "";
          const a = document.createElement("a");
          a.href = root + doc.u;
          a.textContent = "Read the glossary entry";
          definition.append(h, p, a);
          definition.hidden = false;
        }
      }
      const groups = [["collection", "Type", meta.collections.map((c) => [c.name, c.title])], ...meta.taxonomies.map((t) => [t.name, t.title, t.terms.map((x) => [x, x])])];
      for (const [name, title, values] of groups) {
        const shown = values.filter(([v]) => counts[name].get(v) || filters[name].includes(v));
        if (!shown.length) continue;
        const fs = document.createElement("fieldset");
        const lg = document.createElement("legend");
        lg.textContent = title;
        fs.append(lg);
        for (const [value, label] of shown) {
          const id = "facet-" + name + "-" + value.replace(/\W+/g, "-");
          const box = document.createElement("input");
          box.type = "checkbox"; box.id = id; box.name = name; box.value = value;
          box.checked = filters[name].includes(value);
          box.addEventListener("change", () => {
            filters[name] = box.checked ? [...filters[name], value] : filters[name].filter((v) => v !== value);
            run();
          });
          const lab = document.createElement("label");
          lab.htmlFor = id;
          lab.textContent = label + " (" + (counts[name].get(value) || 0) + ")";
          const row = document.createElement("div");
          row.className = "facet";
          row.append(box, lab);
          fs.append(row);
        }
        facetsBox.append(fs);
      }
      const ws = result.ws;
      for (const hit of hits.slice(0, 20)) {
        const r = await describe(hit, ws);
        if (!r) continue;
        const li = document.createElement("li");
        li.className = "search-result";
        const h = document.createElement("h2");
        h.className = "search-result__title";
        const a = document.createElement("a");
        a.href = r.url;
        a.textContent = r.title + (r.section ? " › " + r.section : "");
        h.append(a);
        const meta2 = document.createElement("p");
        meta2.className = "search-result__meta";
        const c = meta.collections[r.collection];
        meta2.textContent = [r.id, c && c.title].filter(Boolean).join(" · ");
        const p = document.createElement("p");
        highlight(p, r.excerpt, ws);
        li.append(h, meta2, p);
        list.append(li);
      }
    }
    form.addEventListener("submit", (e) => { e.preventDefault(); run(); });
    let timer = 0;
    input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(run, 120); });
    run();
  }

  // The header box: a combobox suggesting the best pages as the reader types.
  const box = document.getElementById("site-search");
  const pop = document.getElementById("site-search-options");
  if (box && pop && !page) {
    let active = -1;
    let seq = 0;
    const options = () => [...pop.querySelectorAll("[role=option]")];
    function close() { pop.hidden = true; box.setAttribute("aria-expanded", "false"); box.removeAttribute("aria-activedescendant"); active = -1; }
    function move(to) {
      const opts = options();
      if (!opts.length) return;
      active = (to + opts.length) % opts.length;
      opts.forEach((o, i) => o.setAttribute("aria-selected", String(i === active)));
      box.setAttribute("aria-activedescendant", opts[active].id);
    }
    box.addEventListener("input", async () => {
      const q = box.value.trim();
      const mine = ++seq;
      if (q.length < 2) { close(); return; }
      const result = await search(q, true);
      if (!result || mine !== seq) return;
      const { hits } = await ranked(result, {});
      const rows = [];
      for (const hit of hits.slice(0, 6)) rows.push(await describe(hit, result.ws));
      if (mine !== seq) return;
      pop.replaceChildren();
      rows.filter(Boolean).forEach((r, i) => {
        const li = document.createElement("li");
        li.id = "site-search-option-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        const a = document.createElement("a");
        a.href = r.url;
        a.tabIndex = -1;
        a.textContent = r.title + (r.section ? " › " + r.section : "");
        li.append(a);
        li.addEventListener("mousedown", (e) => { e.preventDefault(); location.href = r.url; });
        pop.append(li);
      });
      const more = document.createElement("li");
      more.id = "site-search-option-all";
      more.setAttribute("role", "option");
      more.setAttribute("aria-selected", "false");
      more.className = "search-all";
      more.textContent = hits.length + (hits.length === 1 ? " result" : " results") + ": see all";
      more.addEventListener("mousedown", (e) => { e.preventDefault(); box.form.submit(); });
      pop.append(more);
      pop.hidden = false;
      box.setAttribute("aria-expanded", "true");
      active = -1;
      const live = document.getElementById("site-search-status");
      if (live) live.textContent = hits.length + (hits.length === 1 ? " result" : " results");
    });
    box.addEventListener("keydown", (e) => {
      if (e.key === "ArrowDown") { e.preventDefault(); if (pop.hidden) box.dispatchEvent(new Event("input")); else move(active + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); move(active - 1); }
      else if (e.key === "Escape") { close(); }
      else if (e.key === "Enter" && active >= 0) {
        e.preventDefault();
        const opt = options()[active];
        const a = opt.querySelector("a");
        if (a) location.href = a.href; else box.form.submit();
      }
    });
    box.addEventListener("blur", () => setTimeout(close, 150));
  }
})();
