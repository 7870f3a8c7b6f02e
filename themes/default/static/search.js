// canon search: a static, sharded index under search/, loaded as script files so it works
// from a web server and from disk (file://) alike; nothing from other origins.
// Mirrors src/search/text.rs (words, stopwords, stems, spellings) and src/search/query.rs
// (groups, typo tolerance, ranking); the tests run both over the same judged queries.
(() => {
  "use strict";
  const script = document.currentScript;
  const root = script ? script.src.replace(/search\.js(\?.*)?$/, "") : "";
  const STOP = new Set(("a about after all also am an and any are as at be been but by can could did do does doing for from get got had has have how i if in into is it its me my no not of on or our so than that the their them then there these they this those to up us was we were what when where which who why will with would you your").split(" "));
  const SPELLINGS = new Map([["aging", "age"], ["cancell", "cancel"], ["counsell", "counsel"], ["defence", "defense"], ["fuell", "fuel"], ["grey", "gray"], ["labell", "label"], ["licence", "license"], ["modell", "model"], ["offence", "offense"], ["practis", "practic"], ["practise", "practice"], ["pretence", "pretense"], ["signall", "signal"], ["travell", "travel"]]);
  const FEW = 3, COMPLETIONS = 30, CLOSE = 3, MIN_COVER = 0.5, VOCAB_MIN = 4;

  // Index files: each calls canonSearchData(name, data). A <script> element loads them
  // where fetch cannot (pages opened from disk).
  const waiting = new Map();
  const files = new Map();
  window.canonSearchData = (name, data) => {
    const w = waiting.get(name);
    if (w) { waiting.delete(name); w(data); }
  };
  function load(name) {
    if (!files.has(name)) {
      files.set(name, new Promise((resolve) => {
        waiting.set(name, resolve);
        const el = document.createElement("script");
        el.src = root + "search/" + name + ".js";
        el.async = true;
        el.onerror = () => { waiting.delete(name); resolve(null); };
        el.onload = () => { el.remove(); if (waiting.has(name)) { waiting.delete(name); resolve(null); } };
        document.head.append(el);
      }));
    }
    return files.get(name);
  }

  // Words, as src/search/text.rs.
  const isId = (w) => /\d/.test(w) && /^[a-z0-9.-]+$/.test(w);
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
  const vowel = (c) => c !== undefined && "aeiouy".includes(c);
  function fold(w) {
    if (w.length < 4 || !/^[\x00-\x7f]*$/.test(w) || /[0-9-]/.test(w)) return w;
    if (SPELLINGS.has(w)) return SPELLINGS.get(w);
    for (const [z, s] of [["iz", "is"], ["yz", "ys"]]) {
      for (const end of ["ation", "er", "e", ""]) {
        const tail = z + end;
        if (w.length >= tail.length + 3 && w.endsWith(tail)) {
          const at = w.length - tail.length;
          w = w.slice(0, at) + s + w.slice(at + 2);
          break;
        }
      }
    }
    for (const end of ["our", "ourite", "ourable", "ourful", "ourless", "ourer"]) {
      if (w.length >= end.length + 3 && w.endsWith(end)) {
        const at = w.length - end.length;
        w = w.slice(0, at + 1) + w.slice(at + 2);
        break;
      }
    }
    if (w.length >= 5 && (w.endsWith("tre") || w.endsWith("bre"))) w = w.slice(0, -2) + "er";
    else if (w.length >= 7 && w.endsWith("ogue")) w = w.slice(0, -2);
    else if (w.endsWith("amme")) w = w.slice(0, -2);
    else if (w.endsWith("llment")) w = w.slice(0, -5) + w.slice(-4);
    else if (w.endsWith("dgement")) w = w.slice(0, -5) + w.slice(-4);
    if (w.includes("ae") || w.includes("oe")) {
      let out = "";
      for (let i = 0; i < w.length; i++) {
        const c = w[i], next = w[i + 1], after = w[i + 2], before = w[i - 1];
        let drop = false;
        if ((c === "a" || c === "o") && next === "e") {
          if (before !== undefined && after !== undefined) {
            drop = !vowel(before) && (!vowel(after) || (c === "o" && after === "a")) && !(c === "o" && after === "s" && i + 3 === w.length);
          } else if (before === undefined && after !== undefined) drop = c === "o" && !vowel(after);
        }
        if (!drop) out += c;
      }
      w = out;
    }
    return w;
  }
  const normalize = (w) => fold(stem(w));
  // The index terms of a text, as text::terms.
  function terms(text) {
    const out = [];
    const emit = (w) => { if (w && !STOP.has(w)) out.push(normalize(w)); };
    for (let raw of text.toLowerCase().split(/[^\p{L}\p{N}-]+/u)) {
      raw = raw.replace(/^-+|-+$/g, "");
      if (!raw) continue;
      if (raw.includes("-")) {
        const id = isId(raw);
        if (id) emit(raw);
        const parts = raw.split("-").filter(Boolean);
        parts.forEach(emit);
        if (!id && parts.length > 1) emit(parts.join(""));
      } else emit(raw);
    }
    return out;
  }
  // The words of a query, as query::tokens: [kind, word], kind "w", "id" or "c".
  function tokens(query) {
    const out = [];
    for (let raw of query.toLowerCase().split(/[^\p{L}\p{N}.-]+/u)) {
      raw = raw.replace(/^[-.]+|[-.]+$/g, "");
      if (!raw) continue;
      if ((raw.includes("-") || raw.includes(".")) && isId(raw)) { out.push(["id", raw]); continue; }
      for (let piece of raw.split(".")) {
        piece = piece.replace(/^-+|-+$/g, "");
        if (piece) out.push([piece.includes("-") ? "c" : "w", piece]);
      }
    }
    return out;
  }
  function distance(a, b) {
    a = [...a]; b = [...b];
    const w = b.length + 1;
    const d = new Array((a.length + 1) * w).fill(0);
    for (let j = 0; j <= b.length; j++) d[j] = j;
    for (let i = 1; i <= a.length; i++) {
      d[i * w] = i;
      for (let j = 1; j <= b.length; j++) {
        const cost = a[i - 1] === b[j - 1] ? 0 : 1;
        let v = Math.min(d[(i - 1) * w + j] + 1, d[i * w + j - 1] + 1, d[(i - 1) * w + j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[(i - 2) * w + j - 2] + 1);
        d[i * w + j] = v;
      }
    }
    return d[a.length * w + b.length];
  }
  const editsAllowed = (n) => (n <= 4 ? 0 : n <= 8 ? 1 : 2);
  const strength = (w) => (w * 11) / (w + 10);
  const idf = (n, df) => Math.log(1 + (n - df + 0.5) / (df + 0.5));
  const round = (x) => Math.round(x * 1e6) / 1e6;
  const fileKey = (p) => [...p].map((c) => (/[a-z0-9]/i.test(c) ? c : [...new TextEncoder().encode(c)].map((b) => "_" + b.toString(16).padStart(2, "0")).join(""))).join("");

  // The terms standing for one word of the query, each with the share of its weight it is
  // worth, as query::Group.
  class Group {
    constructor() { this.alts = []; }
    add(term, factor) {
      const a = this.alts.find((x) => x[0] === term);
      if (a) a[1] = Math.max(a[1], factor);
      else this.alts.push([term, factor]);
    }
  }

  // The index, as query::Index.
  class Index {
    constructor(meta) { this.meta = meta; this.shards = new Set(meta.shards); this.split = new Set(meta.split); this.vocab = new Set(meta.vocab); this.decoded = new Map(); this.sortedKeys = new WeakMap(); }
    async shard(term) {
      const chars = [...term];
      if (chars.length < 2) return null;
      const two = chars.slice(0, 2).join("");
      const key = this.split.has(two) ? chars.slice(0, 3).join("") : two;
      if (!this.shards.has(key)) return null;
      return load("t/" + fileKey(key));
    }
    // A term's postings, decoded once: a flat Int32Array of (doc, weight, section) triples.
    async postings(term) {
      if (this.decoded.has(term)) return this.decoded.get(term);
      const s = await this.shard(term);
      const list = s && Object.prototype.hasOwnProperty.call(s, term) ? s[term] : null;
      const out = new Int32Array(list ? list.length : 0);
      if (list) for (let i = 0, d = 0; i < list.length; i += 3) { d += list[i]; out[i] = d; out[i + 1] = list[i + 1]; out[i + 2] = list[i + 2]; }
      this.decoded.set(term, out);
      return out;
    }
    async has(term) {
      const s = await this.shard(term);
      return !!s && Object.prototype.hasOwnProperty.call(s, term);
    }
    // The commonest terms that continue `start`, from the shard's terms sorted once.
    async completions(start) {
      const s = await this.shard(start);
      if (!s) return [];
      let keys = this.sortedKeys.get(s);
      if (!keys) { keys = Object.keys(s).sort(); this.sortedKeys.set(s, keys); }
      let lo = 0, hi = keys.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (keys[mid] < start) lo = mid + 1; else hi = mid; }
      const found = [];
      for (let i = lo; i < keys.length && keys[i].startsWith(start); i++) if (keys[i] !== start) found.push([keys[i], s[keys[i]].length]);
      found.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      return found.slice(0, COMPLETIONS).map((f) => f[0]);
    }
    async close(term, max, limit) {
      const first = [...term][0];
      if (!first || !this.vocab.has(first)) return [];
      const words = (await load("v/" + fileKey(first))) || {};
      const n = [...term].length;
      const found = [];
      for (const [t, v] of Object.entries(words)) {
        if (t === term || Math.abs([...t].length - n) > max) continue;
        const d = distance(term, t);
        if (d <= max) found.push([d, Array.isArray(v) ? v[0] : v, t, Array.isArray(v) ? v[1] : t]);
      }
      found.sort((a, b) => a[0] - b[0] || b[1] - a[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0));
      return found.slice(0, limit).map((f) => [f[2], f[0], f[3]]);
    }
    async groups(query, typing, results) {
      const toks = tokens(query);
      const groups = [];
      for (let i = 0; i < toks.length; i++) {
        const last = i + 1 === toks.length;
        const [kind, w] = toks[i];
        if (kind === "id") {
          const completions = typing && last ? await this.completions(w) : [];
          const has = await this.has(w);
          if (has || completions.length) {
            const g = new Group();
            if (has) g.add(w, 1);
            for (const t of completions) g.add(t, 0.5);
            groups.push(g);
          } else for (const p of w.split(/[-.]/).filter(Boolean)) await this.wordGroup(p, false, groups, results);
        } else if (kind === "c") {
          const norm = normalize(w.split("-").join(""));
          if (await this.has(norm)) { const g = new Group(); g.add(norm, 1); groups.push(g); }
          else for (const p of w.split("-").filter(Boolean)) await this.wordGroup(p, false, groups, results);
        } else {
          const next = toks[i + 1];
          if (next && next[0] === "w") {
            const joined = normalize(w + next[1]);
            if (await this.has(joined)) {
              const g = new Group();
              g.add(joined, 1);
              for (const part of [w, next[1]]) if (!STOP.has(part)) g.add(normalize(part), 0.5);
              groups.push(g);
              i++;
              continue;
            }
          }
          await this.wordGroup(w, typing && last, groups, results);
        }
      }
      return groups;
    }
    async wordGroup(word, typing, groups, results) {
      if (STOP.has(word) && !typing) return;
      const g = new Group();
      const add = (term, factor) => g.add(term, factor);
      const norm = normalize(word);
      if (!STOP.has(word)) add(norm, 1);
      const gloss = Object.prototype.hasOwnProperty.call(this.meta.glossary, word) ? this.meta.glossary[word] : null;
      if (gloss) for (const t of terms(gloss.t)) add(t, 0.6);
      const letters = [...word].length;
      if (typing && letters >= 2) for (const t of await this.completions(word)) add(t, 0.5);
      const max = editsAllowed(letters);
      if (max > 0 && !/\p{N}/u.test(word)) {
        const docs = new Set();
        for (const [t] of g.alts) { const p = await this.postings(t); for (let i = 0; i < p.length; i += 3) docs.add(p[i]); }
        if (docs.size < FEW) {
          for (const [t, d, written] of await this.close(norm, max, CLOSE)) {
            if (results.corrections.every((c) => c[1] !== written)) results.corrections.push([word, written]);
            add(t, d === 1 ? 0.8 : 0.6);
          }
        }
      }
      if (g.alts.length) groups.push(g);
    }
    // Starts loading, all at once, the shards a query's words may need, so the steps that
    // look terms up one by one find them loaded.
    prefetch(query) {
      const want = new Set();
      const toks = tokens(query);
      toks.forEach(([kind, w], i) => {
        const parts = kind === "w" ? [w] : w.split(/[-.]/).filter(Boolean);
        if (kind !== "w") want.add(w).add(normalize(parts.join("")));
        for (const p of parts) {
          want.add(p).add(normalize(p));
          const gloss = Object.prototype.hasOwnProperty.call(this.meta.glossary, p) ? this.meta.glossary[p] : null;
          if (gloss) for (const t of terms(gloss.t)) want.add(t);
        }
        const next = toks[i + 1];
        if (kind === "w" && next && next[0] === "w") want.add(normalize(w + next[1]));
      });
      return Promise.all([...want].map((t) => this.shard(t)));
    }
    // Scores documents by how much of the query they cover, as query::Index::score:
    // { d, w, s }, each document's id, score and best section, in parallel arrays. Buffers
    // indexed by document hold the sums and are kept between queries, so a common word's
    // thousands of postings cost no allocation each (nor collections of garbage while the
    // reader types).
    async score(groups) {
      const n = this.meta.docs;
      const lists = [];
      for (const g of groups) { const l = []; for (const [term, factor] of g.alts) l.push([await this.postings(term), factor]); lists.push(l); }
      // From here on nothing awaits, so no other query shares the buffers.
      if (!this.buf) this.buf = { sum: new Float64Array(n), cover: new Float64Array(n), bestV: new Float64Array(n), bestS: new Int32Array(n), seen: new Uint8Array(n), inAny: new Uint8Array(n), secs: [] };
      const { sum, cover, bestV, bestS, seen, inAny, secs } = this.buf;
      while (secs.length < lists.length) secs.push(new Int32Array(n).fill(-1));
      const weights = [], touched = [];
      let total = 0;
      lists.forEach((alts, g) => {
        const inGroup = [];
        for (const [p, factor] of alts) {
          for (let i = 0; i < p.length; i += 3) {
            const d = p[i], v = strength(p[i + 1]) * factor;
            if (seen[d] !== 2) { seen[d] = 2; bestV[d] = v; bestS[d] = p[i + 2]; inGroup.push(d); }
            else if (v > bestV[d]) { bestV[d] = v; bestS[d] = p[i + 2]; }
          }
        }
        const weight = idf(n, inGroup.length);
        total += weight;
        const sec = secs[g];
        for (const d of inGroup) {
          if (!inAny[d]) { inAny[d] = 1; touched.push(d); }
          sum[d] += bestV[d] * weight;
          cover[d] += weight;
          sec[d] = bestS[d];
          seen[d] = 1;
        }
        weights.push(weight);
      });
      let bestCover = 0;
      for (const d of touched) bestCover = Math.max(bestCover, cover[d]);
      const out = { d: new Int32Array(touched.length), w: new Float64Array(touched.length), s: new Int32Array(touched.length) };
      let k = 0;
      for (const d of touched) {
        if (total > 0 && cover[d] >= bestCover * MIN_COVER) {
          // The section where the most of the query's weight falls; the first on a tie.
          let section = 0, top = -Infinity;
          for (let g = 0; g < lists.length; g++) {
            const s = secs[g][d];
            if (s < 0) continue;
            let w = 0;
            for (let h = 0; h < lists.length; h++) if (secs[h][d] === s) w += weights[h];
            if (w > top || (w === top && s < section)) { section = s; top = w; }
          }
          out.d[k] = d; out.w[k] = round((sum[d] * cover[d]) / total); out.s[k] = section; k++;
        }
        sum[d] = 0; cover[d] = 0; inAny[d] = 0; seen[d] = 0;
        for (let g = 0; g < lists.length; g++) secs[g][d] = -1;
      }
      return { d: out.d.subarray(0, k), w: out.w.subarray(0, k), s: out.s.subarray(0, k) };
    }
    // Runs a query: { scores: { d, w, s }, gloss, corrections }.
    async search(query) {
      const results = { corrections: [], gloss: null, scores: null };
      const typing = !/\s$/.test(query);
      const lower = query.trim().toLowerCase();
      const gloss = Object.prototype.hasOwnProperty.call(this.meta.glossary, lower) ? this.meta.glossary[lower] : null;
      await Promise.all([this.prefetch(query), gloss && this.prefetch(gloss.t)]);
      if (gloss) {
        const ignored = { corrections: [] };
        // The definition's words and the term's own, each document at its better score, and
        // the glossary entry above them all.
        const merged = new Map();
        for (const sc of [await this.score(await this.groups(gloss.t, false, ignored)), await this.score(await this.groups(lower, false, ignored))]) {
          for (let i = 0; i < sc.d.length; i++) {
            const e = merged.get(sc.d[i]);
            if (!e || sc.w[i] > e[0]) merged.set(sc.d[i], [sc.w[i], sc.s[i]]);
          }
        }
        let top = 0;
        for (const v of merged.values()) top = Math.max(top, v[0]);
        merged.set(gloss.d, [top + 1, 0]);
        const m = merged.size;
        const scores = { d: new Int32Array(m), w: new Float64Array(m), s: new Int32Array(m) };
        let i = 0;
        for (const [d, [w, sec]] of merged) { scores.d[i] = d; scores.w[i] = w; scores.s[i] = sec; i++; }
        results.gloss = gloss;
        results.scores = scores;
      } else results.scores = await this.score(await this.groups(query, typing, results));
      return results;
    }
    async didYouMean(query) {
      let changed = false;
      const words = [];
      for (const [kind, w] of tokens(query)) {
        if (kind !== "w") { words.push(w); continue; }
        const letters = [...w].length;
        if (STOP.has(w) || letters < VOCAB_MIN - 1 || (await this.has(normalize(w)))) { words.push(w); continue; }
        const [best] = await this.close(normalize(w), editsAllowed(letters) + 1, 1);
        if (best) { changed = true; words.push(best[2]); } else words.push(w);
      }
      const fixed = words.join(" ");
      if (!changed) return null;
      const r = await this.search(fixed + " ");
      return r.scores.d.length ? fixed : null;
    }
  }

  let index = null;
  async function open() {
    if (!index) index = load("meta").then((meta) => (meta ? new Index(meta) : null));
    return index;
  }
  const facetRows = () => load("facets").then((rows) => rows || []);
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
  // One query for the header box and the search page alike: the ranked hits, the facet
  // counts (with `counting`; the header box needs none), the glossary term and the
  // corrections.
  async function run(query, filters, counting = true) {
    const idx = await open();
    if (!idx) return null;
    const filtering = Object.values(filters || {}).some((v) => v.length);
    const rowsLoaded = counting || filtering ? facetRows() : null;
    const result = await idx.search(query);
    const rows = rowsLoaded ? await rowsLoaded : null;
    const meta = idx.meta;
    const sc = result.scores;
    const counts = { collection: new Map() };
    for (const t of meta.taxonomies) counts[t.name] = new Map();
    const order = [];
    if (rows) {
      const byCollection = new Int32Array(meta.collections.length);
      const byTerm = meta.taxonomies.map((t) => new Int32Array(t.terms.length));
      for (let i = 0; i < sc.d.length; i++) {
        const row = rows[sc.d[i]] || [-1];
        if (row[0] >= 0 && row[0] < byCollection.length) byCollection[row[0]]++;
        for (let j = 1; j < row.length; j++) {
          const t = byTerm[row[j][0]];
          if (t && row[j][1] < t.length) t[row[j][1]]++;
        }
        if (!filtering || matches(row, filters, meta)) order.push(i);
      }
      byCollection.forEach((n, c) => { if (n) counts.collection.set(meta.collections[c].name, n); });
      byTerm.forEach((terms, t) => terms.forEach((n, k) => { if (n) counts[meta.taxonomies[t].name].set(meta.taxonomies[t].terms[k], n); }));
    } else for (let i = 0; i < sc.d.length; i++) order.push(i);
    order.sort((a, b) => sc.w[b] - sc.w[a] || sc.d[a] - sc.d[b]);
    const hits = order.map((i) => [sc.d[i], sc.w[i], sc.s[i]]);
    const marks = [];
    for (const [kind, w] of tokens(query)) if (!STOP.has(w)) marks.push(kind === "w" ? normalize(w) : w, w);
    for (const [, written] of result.corrections) marks.push(written);
    if (result.gloss) marks.push(...terms(result.gloss.t), ...result.gloss.t.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w && !STOP.has(w)));
    return { meta, hits, counts, gloss: result.gloss, corrections: result.corrections, marks: [...new Set(marks.filter((m) => m.length > 1))], index: idx };
  }
  // A hit as shown: title, URL (to the section or requirement), kind and an excerpt.
  async function describe(hit, marks, meta) {
    const doc = await load("d/" + hit[0]);
    if (!doc) return null;
    const sec = hit[2] > 0 ? doc.s[hit[2] - 1] : null;
    let url = root + doc.u;
    if (sec && sec[0]) url += "#" + sec[0];
    const text = (sec && sec[2]) || doc.x || (doc.s[0] && doc.s[0][2]) || "";
    const c = doc.c !== null && doc.c !== undefined ? meta.collections[doc.c] : null;
    return { title: doc.t, id: doc.i, url, section: sec && sec[1] !== doc.t ? sec[1] : "", kind: doc.g ? "Glossary" : c ? c.title : "", excerpt: excerpt(text, marks) };
  }
  const wordRe = (marks) => (marks.length ? new RegExp("(?<![\\p{L}\\p{N}])(" + marks.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|") + ")[\\p{L}\\p{N}]*", "giu") : null);
  // About 180 characters around the first match, cut at spaces.
  function excerpt(text, marks) {
    const re = wordRe(marks);
    const m = re ? re.exec(text) : null;
    const at = m ? m.index : 0;
    let start = Math.max(0, at - 60);
    if (start > 0) { const sp = text.indexOf(" ", start); start = sp >= 0 && sp < at ? sp + 1 : at; }
    let end = Math.min(text.length, start + 180);
    if (end < text.length) { const sp = text.lastIndexOf(" ", end); if (sp > start) end = sp; }
    return (start > 0 ? "…" : "") + text.slice(start, end) + (end < text.length ? "…" : "");
  }
  function highlight(el, text, marks) {
    const re = wordRe(marks);
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
  const plural = (n) => n + (n === 1 ? " result" : " results");
  window.canonSearch = { run, describe, terms, normalize, tokens, open };

  // The search page: results, facets and the glossary definition, all in the URL.
  const page = document.getElementById("search-page");
  if (page) {
    const form = page.querySelector("form");
    const input = form.querySelector("input[name=q]");
    const list = document.getElementById("search-results");
    const status = document.getElementById("search-status");
    const help = document.getElementById("search-help");
    const filtersBox = document.getElementById("search-filters");
    const facetsBox = document.getElementById("search-facets");
    const definition = document.getElementById("search-definition");
    page.querySelector(".search-js").hidden = false;
    for (const el of page.querySelectorAll(".search-nojs")) el.hidden = true;
    // Filters sit beside the results on a wide screen, behind "Filter results" on a narrow one.
    const wide = window.matchMedia("(min-width: 64rem)");
    const place = () => { if (wide.matches) filtersBox.open = true; };
    place();
    wide.addEventListener("change", place);
    const params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    const filters = {};
    let seq = 0;
    async function show() {
      const mine = ++seq;
      const q = input.value;
      const url = new URLSearchParams();
      if (q.trim()) url.set("q", q.trim());
      for (const [k, vs] of Object.entries(filters)) for (const v of vs) url.append(k, v);
      try { history.replaceState(null, "", "?" + url.toString()); } catch (e) { /* file:// may refuse */ }
      if (q.trim().length < 2) {
        list.replaceChildren(); facetsBox.replaceChildren(); definition.hidden = true; help.hidden = true; filtersBox.hidden = true;
        status.textContent = "";
        return;
      }
      const idx = await open();
      if (!idx) { status.textContent = "Search is not available: the index files could not be loaded."; return; }
      for (const t of ["collection", ...idx.meta.taxonomies.map((t) => t.name)]) if (!filters[t]) filters[t] = params.getAll(t);
      const r = await run(q, filters);
      if (mine !== seq || !r) return;
      const rows = await Promise.all(r.hits.slice(0, 20).map((hit) => describe(hit, r.marks, r.meta)));
      let dym = null;
      if (!r.hits.length) dym = await idx.didYouMean(q);
      let glossDoc = r.gloss ? await load("d/" + r.gloss.d) : null;
      if (mine !== seq) return;
      list.replaceChildren(); facetsBox.replaceChildren();
      definition.hidden = true;
      const shown = q.trim();
      status.textContent = plural(r.hits.length) + " for “" + shown + "”";
      if (r.corrections.length && r.hits.length) status.textContent += ", including " + r.corrections.map((c) => "“" + c[1] + "”").join(", ");
      help.hidden = r.hits.length > 0;
      if (!r.hits.length) {
        const p = help.querySelector(".search-help__dym");
        p.replaceChildren();
        if (dym) {
          const a = document.createElement("a");
          a.href = "?q=" + encodeURIComponent(dym);
          a.textContent = dym;
          a.addEventListener("click", (e) => { e.preventDefault(); input.value = dym; show(); });
          p.append("Did you mean ", a, "?");
        }
        p.hidden = !dym;
      }
      if (glossDoc) {
        definition.replaceChildren();
        const h = document.createElement("h2");
        h.textContent = glossDoc.t + (glossDoc.i ? " (" + glossDoc.i + ")" : "");
        const p = document.createElement("p");
        p.textContent = (glossDoc.s[0] && glossDoc.s[0][2]) || "";
        const a = document.createElement("a");
        a.href = root + glossDoc.u;
        a.textContent = "Read the glossary entry";
        definition.append(h, p, a);
        definition.hidden = false;
      }
      const groups = [["collection", "Type", r.meta.collections.map((c) => [c.name, c.title])], ...r.meta.taxonomies.map((t) => [t.name, t.title, t.terms.map((x) => [x, x])])];
      let any = false;
      for (const [name, title, values] of groups) {
        const here = values.filter(([v]) => r.counts[name].get(v) || filters[name].includes(v));
        if (!here.length) continue;
        any = true;
        const fs = document.createElement("fieldset");
        const lg = document.createElement("legend");
        lg.textContent = title;
        fs.append(lg);
        for (const [value, label] of here) {
          const id = "facet-" + name + "-" + value.replace(/\W+/g, "-");
          const box = document.createElement("input");
          box.type = "checkbox"; box.id = id; box.name = name; box.value = value;
          box.checked = filters[name].includes(value);
          box.addEventListener("change", () => {
            filters[name] = box.checked ? [...filters[name], value] : filters[name].filter((v) => v !== value);
            show();
          });
          const lab = document.createElement("label");
          lab.htmlFor = id;
          lab.textContent = label + " (" + (r.counts[name].get(value) || 0) + ")";
          const row = document.createElement("div");
          row.className = "facet";
          row.append(box, lab);
          fs.append(row);
        }
        facetsBox.append(fs);
      }
      filtersBox.hidden = !any;
      for (const res of rows) {
        if (!res) continue;
        const li = document.createElement("li");
        li.className = "search-result";
        const h = document.createElement("h2");
        h.className = "search-result__title";
        const a = document.createElement("a");
        a.href = res.url;
        a.textContent = res.title + (res.section ? " › " + res.section : "");
        h.append(a);
        const meta = document.createElement("p");
        meta.className = "search-result__meta";
        meta.textContent = [res.id, res.kind].filter(Boolean).join(" · ");
        const p = document.createElement("p");
        highlight(p, res.excerpt, r.marks);
        li.append(h, meta, p);
        list.append(li);
      }
    }
    form.addEventListener("submit", (e) => { e.preventDefault(); show(); });
    let timer = 0;
    input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(show, 60); });
    show();
  }

  // The header box: a combobox suggesting the best results as the reader types: the same
  // query as the search page, so the same results in the same order.
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
      const q = box.value;
      const mine = ++seq;
      if (q.trim().length < 2) { close(); return; }
      const r = await run(q, {}, false);
      if (!r || mine !== seq) return;
      const rows = await Promise.all(r.hits.slice(0, 6).map((hit) => describe(hit, r.marks, r.meta)));
      if (mine !== seq) return;
      pop.replaceChildren();
      rows.filter(Boolean).forEach((res, i) => {
        const li = document.createElement("li");
        li.id = "site-search-option-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        const a = document.createElement("a");
        a.href = res.url;
        a.tabIndex = -1;
        a.textContent = res.title + (res.section ? " › " + res.section : "");
        li.append(a);
        if (res.kind) {
          const k = document.createElement("span");
          k.className = "site-search__kind";
          k.textContent = res.kind;
          li.append(" ", k);
        }
        li.addEventListener("mousedown", (e) => { e.preventDefault(); location.href = res.url; });
        pop.append(li);
      });
      const more = document.createElement("li");
      more.id = "site-search-option-all";
      more.setAttribute("role", "option");
      more.setAttribute("aria-selected", "false");
      more.className = "search-all";
      more.textContent = r.hits.length ? plural(r.hits.length) + ": see all" : "No results: search tips";
      more.addEventListener("mousedown", (e) => { e.preventDefault(); box.form.submit(); });
      pop.append(more);
      pop.hidden = false;
      box.setAttribute("aria-expanded", "true");
      active = -1;
      const live = document.getElementById("site-search-status");
      if (live) live.textContent = plural(r.hits.length);
      setTimeout(() => { if (mine === seq) ahead(q, r.index); }, 0);
    });
    // While a word is being typed, loads the results it most likely ends as (its commonest
    // completion), so that when the reader finishes it the suggestions need no new files.
    async function ahead(q, idx) {
      const toks = tokens(q);
      const last = toks[toks.length - 1];
      if (!last || last[0] !== "w" || /\s$/.test(q) || [...last[1]].length < 2) return;
      const [word] = await idx.completions(last[1]);
      if (!word) return;
      const r = await run(q.slice(0, q.toLowerCase().lastIndexOf(last[1])) + word + " ", {}, false);
      if (r) for (const hit of r.hits.slice(0, 6)) load("d/" + hit[0]);
    }
    box.addEventListener("keydown", (e) => {
      if (e.key === "ArrowDown") { e.preventDefault(); if (pop.hidden) box.dispatchEvent(new Event("input")); else move(active + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); move(active - 1); }
      else if (e.key === "Escape") { close(); }
      else if (e.key === "Enter" && active >= 0) {
        e.preventDefault();
        const a = options()[active].querySelector("a");
        if (a) location.href = a.href; else box.form.submit();
      }
    });
    box.addEventListener("blur", () => setTimeout(close, 150));
  }
})();
