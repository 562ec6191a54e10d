// Hearken's web page: fills the static pages from the JSON API.
//
// Safety rule: document text only ever reaches the page through
// textContent / createTextNode. The one piece of markup accepted from the
// server is the <b>…</b> of search snippets, which `snippet()` splits on
// and turns into elements; everything between is escaped text that it
// unescapes into text nodes. Links are made only for http(s) URLs.
"use strict";

(function () {
  const FACETS = [
    ["theme", "Theme"],
    ["sentiment", "Sentiment"],
    ["source", "Source"],
    ["stage", "Journey stage"],
    ["cue", "Persona cues"],
  ];
  const FILTERS = ["theme", "sentiment", "source", "stage", "cue"];
  const SINGLE = ["sentiment"];
  const PAGE = 20;
  const FACET_SHOWN = 12;

  // ---------- small DOM helpers ----------

  function el(tag, attrs, children) {
    const e = document.createElement(tag);
    if (attrs) {
      for (const k of Object.keys(attrs)) {
        const v = attrs[k];
        if (v === undefined || v === null || v === false) continue;
        if (k === "text") e.textContent = String(v);
        else if (k === "class") e.className = v;
        else e.setAttribute(k, v === true ? "" : String(v));
      }
    }
    for (const c of children || []) {
      if (c === null || c === undefined) continue;
      e.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return e;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function byId(id) {
    return document.getElementById(id);
  }

  function status(text, isError) {
    const s = byId("status");
    if (!s) return;
    s.textContent = text;
    s.classList.toggle("error", !!isError);
  }

  // Only http(s) URLs become links; anything else (javascript:, data:) is
  // shown as text.
  function safeUrl(u) {
    try {
      const url = new URL(u, location.href);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (_) {
      return null;
    }
  }

  function evidenceLink(u) {
    const href = safeUrl(u);
    if (!href) return el("span", { class: "muted", text: "evidence: " + u });
    return el("a", { href: href, rel: "noopener noreferrer", target: "_blank", class: "evidence", text: "Evidence ↗" });
  }

  function human(id) {
    return String(id).replace(/_/g, " ");
  }

  function day(rfc3339) {
    return rfc3339 ? String(rfc3339).slice(0, 10) : "undated";
  }

  async function getJson(path) {
    const resp = await fetch(path, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    let body = null;
    try {
      body = await resp.json();
    } catch (_) {
      body = null;
    }
    if (!resp.ok) {
      const msg = body && typeof body.error === "string" ? body.error : "the server answered " + resp.status;
      throw new Error(msg);
    }
    return body;
  }

  // ---------- snippets: escaped text with <b> highlights ----------

  const NAMED = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

  function unescapeHtml(s) {
    return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, function (m, ent) {
      if (ent[0] === "#") {
        const n = ent[1] === "x" || ent[1] === "X" ? parseInt(ent.slice(2), 16) : parseInt(ent.slice(1), 10);
        try {
          return String.fromCodePoint(n);
        } catch (_) {
          return m;
        }
      }
      return Object.prototype.hasOwnProperty.call(NAMED, ent) ? NAMED[ent] : m;
    });
  }

  function snippet(html) {
    const p = el("p", { class: "snippet" });
    let bold = false;
    for (const part of String(html).split(/(<b>|<\/b>)/)) {
      if (part === "<b>") bold = true;
      else if (part === "</b>") bold = false;
      else if (part) {
        const text = document.createTextNode(unescapeHtml(part));
        p.appendChild(bold ? el("b", null, [text]) : text);
      }
    }
    return p;
  }

  // ---------- search page ----------

  function withParam(params, key, value, on) {
    const next = new URLSearchParams(params);
    next.delete("offset");
    if (SINGLE.includes(key)) {
      next.delete(key);
      if (on) next.set(key, value);
    } else {
      const kept = next.getAll(key).filter((v) => v !== value);
      next.delete(key);
      for (const v of kept) next.append(key, v);
      if (on) next.append(key, value);
    }
    return "/?" + next.toString();
  }

  function renderFacets(params, facets) {
    const box = byId("facets");
    clear(box);
    box.appendChild(el("h2", { class: "sr-only", text: "Filters" }));
    for (const [key, title] of FACETS) {
      const counts = facets[key] || [];
      const chosen = params.getAll(key);
      if (!counts.length && !chosen.length) continue;
      const list = el("ul", { class: "facet-list" });
      const shown = counts.slice(0, FACET_SHOWN);
      for (const v of chosen) {
        if (!shown.some((c) => c.value === v)) shown.unshift({ value: v, count: 0 });
      }
      for (const c of shown) {
        const on = chosen.includes(c.value);
        const label = key === "cue" ? c.value.replace(":", ": ").replace(/_/g, " ") : human(c.value);
        const a = el(
          "a",
          {
            href: withParam(params, key, c.value, !on),
            class: on ? "facet on" : "facet",
            "aria-pressed": on ? "true" : "false",
            "data-facet": key,
            "data-value": c.value,
            title: on ? "Remove this filter" : "Only documents with this " + title.toLowerCase(),
          },
          [el("span", { class: "fv", text: label }), el("span", { class: "count", text: String(c.count) })]
        );
        list.appendChild(el("li", null, [a]));
      }
      box.appendChild(el("section", { class: "facet-group" }, [el("h3", { text: title }), list]));
    }
  }

  function renderActive(params) {
    const box = byId("active");
    clear(box);
    const items = [];
    for (const key of FILTERS) {
      for (const v of params.getAll(key)) {
        items.push(
          el("a", { href: withParam(params, key, v, false), class: "chip", "aria-label": "Remove filter " + key + " " + v }, [
            key + ": " + human(v) + " ",
            el("span", { "aria-hidden": "true", text: "×" }),
          ])
        );
      }
    }
    if (items.length) {
      box.appendChild(el("span", { class: "muted", text: "Filtered by " }));
      for (const i of items) box.appendChild(i);
      const none = new URLSearchParams();
      if (params.get("q")) none.set("q", params.get("q"));
      box.appendChild(el("a", { href: "/?" + none.toString(), class: "clear", text: "clear all" }));
    }
  }

  function renderHit(hit) {
    const docHref = "/documents/" + encodeURIComponent(hit.id);
    const title = hit.title && hit.title.trim() ? hit.title : "Untitled " + (hit.source || "document");
    const s = hit.sentiment || { label: "unscored", compound: 0 };
    const meta = el("p", { class: "meta" }, [
      el("time", { datetime: hit.published || "", text: day(hit.published) }),
      " · ",
      el("span", { text: hit.source }),
      " · ",
      el("span", {
        class: "sent " + s.label,
        text: s.label + (s.label === "unscored" ? "" : " " + (s.compound >= 0 ? "+" : "") + Number(s.compound).toFixed(2)),
      }),
      hit.stage ? " · " : null,
      hit.stage ? el("span", { text: "stage: " + human(hit.stage) }) : null,
    ]);
    const themes = el("ul", { class: "tags", "aria-label": "Themes" });
    for (const t of hit.themes || []) {
      themes.appendChild(el("li", null, [el("a", { href: "/?theme=" + encodeURIComponent(t), class: "tag", text: human(t) })]));
    }
    return el("li", { class: "hit", "data-id": hit.id }, [
      el("h3", null, [el("a", { href: docHref, class: "doc-link", text: title })]),
      meta,
      snippet(hit.snippet || ""),
      el("div", { class: "hit-foot" }, [themes, evidenceLink(hit.url), el("a", { href: docHref, class: "more", text: "Open document" })]),
    ]);
  }

  // Inline SVG bar chart of the histogram, drawn with DOM calls.
  function renderChart(buckets, by, params) {
    const fig = byId("trend");
    const box = byId("chart");
    clear(box);
    byId("trend-title").textContent = "Matches per " + by;
    const sw = byId("trend-switch");
    clear(sw);
    for (const b of ["month", "week"]) {
      const next = new URLSearchParams(params);
      next.set("by", b);
      sw.appendChild(
        b === by ? el("span", { class: "on", text: "by " + b }) : el("a", { href: "/?" + next.toString(), text: "by " + b })
      );
    }
    if (!buckets.length) {
      fig.hidden = true;
      return;
    }
    fig.hidden = false;
    const NS = "http://www.w3.org/2000/svg";
    const W = 720, H = 160, L = 36, B = 26, T = 8;
    const max = Math.max(1, ...buckets.map((b) => b.count));
    const slot = (W - L) / buckets.length;
    const bar = Math.max(2, Math.min(40, slot * 0.75));
    const svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    svg.setAttribute("class", "chart");
    svg.setAttribute("role", "img");
    const summary = buckets.map((b) => b.label + ": " + b.count).join(", ");
    svg.setAttribute("aria-label", "Matches per " + by + ": " + summary);
    const mk = (tag, attrs, text) => {
      const e = document.createElementNS(NS, tag);
      for (const k of Object.keys(attrs)) e.setAttribute(k, String(attrs[k]));
      if (text !== undefined) e.textContent = text;
      svg.appendChild(e);
      return e;
    };
    mk("line", { x1: L, y1: H - B, x2: W, y2: H - B, class: "axis" });
    mk("text", { x: L - 6, y: T + 10, "text-anchor": "end", class: "tick" }, String(max));
    mk("text", { x: L - 6, y: H - B, "text-anchor": "end", class: "tick" }, "0");
    const every = Math.max(1, Math.ceil(buckets.length / 8));
    buckets.forEach((b, i) => {
      const h = ((H - B - T) * b.count) / max;
      const x = L + i * slot + (slot - bar) / 2;
      const r = mk("rect", { x: x, y: H - B - h, width: bar, height: Math.max(h, b.count ? 1 : 0), class: "bar" });
      const t = document.createElementNS(NS, "title");
      t.textContent = b.label + ": " + b.count;
      r.appendChild(t);
      if (i % every === 0) {
        mk("text", { x: L + i * slot + slot / 2, y: H - 8, "text-anchor": "middle", class: "tick" }, b.label);
      }
    });
    box.appendChild(svg);
  }

  function renderPager(params, total) {
    const nav = byId("pager");
    clear(nav);
    const offset = Math.max(0, parseInt(params.get("offset") || "0", 10) || 0);
    const link = (o, text, rel) => {
      const next = new URLSearchParams(params);
      if (o > 0) next.set("offset", String(o));
      else next.delete("offset");
      return el("a", { href: "/?" + next.toString(), rel: rel, text: text });
    };
    if (offset > 0) nav.appendChild(link(Math.max(0, offset - PAGE), "← Previous", "prev"));
    if (total > PAGE) {
      nav.appendChild(
        el("span", { class: "muted", text: " " + (offset + 1) + "–" + Math.min(total, offset + PAGE) + " of " + total + " " })
      );
    }
    if (offset + PAGE < total) nav.appendChild(link(offset + PAGE, "Next →", "next"));
  }

  async function searchPage() {
    const params = new URLSearchParams(location.search);
    const q = byId("q");
    q.value = params.get("q") || "";
    for (const k of ["sort", "since", "until"]) if (params.get(k)) byId(k).value = params.get(k);
    // A new query keeps the chosen filters: carry them as hidden fields.
    const kept = byId("kept");
    for (const key of FILTERS.concat(["by"])) {
      for (const v of params.getAll(key)) kept.appendChild(el("input", { type: "hidden", name: key, value: v }));
    }
    renderActive(params);
    if (params.get("q")) document.title = params.get("q") + " — Hearken";

    const by = params.get("by") === "week" ? "week" : "month";
    const api = new URLSearchParams(params);
    api.set("by", by);
    api.set("limit", String(PAGE));
    status("Searching…");
    try {
      const r = await getJson("/api/search?" + api.toString());
      const n = r.total;
      status(n === 0 ? "No matching documents." : n + " matching document" + (n === 1 ? "" : "s") + ".");
      renderFacets(params, r.facets || {});
      renderChart(r.histogram || [], by, params);
      const list = byId("results");
      clear(list);
      list.setAttribute("start", String((parseInt(params.get("offset") || "0", 10) || 0) + 1));
      for (const hit of r.hits) list.appendChild(renderHit(hit));
      renderPager(params, n);
      document.body.setAttribute("data-loaded", "search");
    } catch (e) {
      status("Search failed: " + e.message, true);
      document.body.setAttribute("data-loaded", "error");
    }
  }

  // ---------- document page ----------

  // Byte offsets into the UTF-8 body → string indices.
  function byteIndex(body) {
    const enc = new TextEncoder();
    const map = new Map();
    let bytes = 0;
    for (let i = 0; i < body.length; ) {
      map.set(bytes, i);
      const cp = body.codePointAt(i);
      const len = cp > 0xffff ? 2 : 1;
      bytes += enc.encode(String.fromCodePoint(cp)).length;
      i += len;
    }
    map.set(bytes, body.length);
    return map;
  }

  function markedBody(doc) {
    const box = byId("doc-body");
    clear(box);
    const body = doc.body || "";
    const idx = byteIndex(body);
    const spans = [];
    const add = (evidence, label) => {
      for (const s of evidence || []) {
        const a = idx.get(s.start), b = idx.get(s.end);
        if (a !== undefined && b !== undefined && b > a) spans.push({ a: a, b: b, label: label });
      }
    };
    for (const t of doc.themes || []) add(t.evidence, "theme: " + human(t.id));
    if (doc.stage) add(doc.stage.evidence, "stage: " + human(doc.stage.stage));
    for (const c of doc.cues || []) add(c.evidence, c.kind + ": " + human(c.value));
    spans.sort((x, y) => x.a - y.a || y.b - x.b);
    let at = 0;
    for (const s of spans) {
      if (s.a < at) continue; // overlaps the previous mark
      if (s.a > at) box.appendChild(document.createTextNode(body.slice(at, s.a)));
      box.appendChild(el("mark", { title: s.label, text: body.slice(s.a, s.b) }));
      at = s.b;
    }
    if (at < body.length) box.appendChild(document.createTextNode(body.slice(at)));
  }

  function quote(doc, span) {
    const bytes = new TextEncoder().encode(doc.body || "");
    return new TextDecoder().decode(bytes.slice(span.start, span.end));
  }

  async function documentPage() {
    const prefix = "/documents/";
    let id = "";
    try {
      id = decodeURIComponent(location.pathname.slice(prefix.length));
    } catch (_) {
      status("That is not a document address.", true);
      return;
    }
    if (document.referrer === "" && history.length <= 1) byId("back").href = "/";
    try {
      const doc = await getJson("/api/documents/" + encodeURIComponent(id));
      const title = doc.title && doc.title.trim() ? doc.title : "Untitled " + (doc.kind || "document");
      document.title = title + " — Hearken";
      byId("doc-title").textContent = title;
      const meta = byId("doc-meta");
      clear(meta);
      const row = (k, v) => {
        if (v === null || v === undefined || v === "") return;
        meta.appendChild(el("dt", { text: k }));
        meta.appendChild(el("dd", null, [typeof v === "string" ? document.createTextNode(v) : v]));
      };
      row("Id", doc.id);
      row("Source", doc.source + " (" + doc.kind + ", plugin " + doc.plugin + " " + doc.plugin_version + ")");
      row("Published", doc.published ? new Date(doc.published * 1000).toISOString().slice(0, 16).replace("T", " ") + " UTC" : "undated");
      row("Author", doc.author ? doc.author + (doc.speaker_role ? " (" + doc.speaker_role + ")" : "") + " — a keyed pseudonym" : null);
      row("Language", doc.language);
      const s = doc.sentiment || {};
      row("Sentiment", el("span", { class: "sent " + s.label, text: s.label + (s.label === "unscored" ? "" : " " + Number(s.compound).toFixed(2)) }));
      row("Evidence", evidenceLink(doc.url));
      const red = Object.entries(doc.redactions || {});
      row("De-identified", red.length ? red.map(([k, n]) => n + " " + k).join(", ") + " removed" : "nothing needed removing");
      markedBody(doc);

      const an = byId("doc-analysis");
      clear(an);
      const themes = el("ul", { class: "analysis" });
      for (const t of doc.themes || []) {
        const words = (t.evidence || []).map((sp) => "“" + quote(doc, sp) + "”").join(", ");
        themes.appendChild(
          el("li", null, [
            el("a", { href: "/?theme=" + encodeURIComponent(t.id), class: "tag", text: human(t.id) }),
            " ",
            el("span", { class: "muted", text: (t.sentiment === null || t.sentiment === undefined ? "" : "sentiment " + Number(t.sentiment).toFixed(2) + " · ") + "from " + words }),
          ])
        );
      }
      an.appendChild(el("h3", { text: "Themes" }));
      an.appendChild((doc.themes || []).length ? themes : el("p", { class: "muted", text: "No codebook theme." }));
      an.appendChild(el("h3", { text: "Journey stage" }));
      an.appendChild(
        doc.stage
          ? el("p", null, [el("a", { href: "/?stage=" + encodeURIComponent(doc.stage.stage), class: "tag", text: human(doc.stage.stage) })])
          : el("p", { class: "muted", text: "No stage found." })
      );
      an.appendChild(el("h3", { text: "Persona cues" }));
      const cues = el("ul", { class: "tags" });
      for (const c of doc.cues || []) {
        const facet = c.kind + ":" + c.value;
        cues.appendChild(el("li", null, [el("a", { href: "/?cue=" + encodeURIComponent(facet), class: "tag", text: c.kind.replace(/_/g, " ") + ": " + human(c.value) })]));
      }
      an.appendChild((doc.cues || []).length ? cues : el("p", { class: "muted", text: "No cues." }));
      byId("doc").hidden = false;
      status("");
      document.body.setAttribute("data-loaded", "document");
    } catch (e) {
      status("Could not load the document: " + e.message, true);
      document.body.setAttribute("data-loaded", "error");
    }
  }

  // ---------- run ledger ----------

  function took(a, b) {
    if (!a || !b) return "—";
    const ms = Date.parse(b) - Date.parse(a);
    if (!(ms >= 0)) return "—";
    return ms < 1000 ? ms + " ms" : (ms / 1000).toFixed(1) + " s";
  }

  async function runsPage() {
    try {
      const runs = await getJson("/api/runs?limit=100");
      const body = document.querySelector("#runs tbody");
      clear(body);
      for (const r of runs) {
        const red = Object.values(r.redactions || {}).reduce((x, y) => x + y, 0);
        const st = String(r.status).toLowerCase();
        const tr = el("tr", null, [
          el("td", { class: "mono", text: r.id }),
          el("td", null, [r.source, el("br"), el("span", { class: "muted small", text: r.plugin + " " + r.plugin_version })]),
          el("td", null, [el("span", { class: "status " + st, text: st })]),
          el("td", { text: String(r.started).slice(0, 19).replace("T", " ") }),
          el("td", { text: took(r.started, r.ended) }),
          el("td", { class: "num", text: String(r.pages) }),
          el("td", { class: "num", text: String(r.records) }),
          el("td", { class: "num", text: String(r.new) }),
          el("td", { class: "num", text: String(r.updated) }),
          el("td", { class: "num", text: String(r.unchanged) }),
          el("td", { class: "num", text: String(red) }),
        ]);
        body.appendChild(tr);
        if (r.error) body.appendChild(el("tr", { class: "err" }, [el("td", { colspan: "11", text: "error: " + r.error })]));
      }
      byId("runs").hidden = runs.length === 0;
      status(runs.length ? runs.length + " run" + (runs.length === 1 ? "" : "s") + "." : "No runs yet.");
      document.body.setAttribute("data-loaded", "runs");
    } catch (e) {
      status("Could not load the run ledger: " + e.message, true);
      document.body.setAttribute("data-loaded", "error");
    }
  }

  // ---------- keyboard ----------

  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "/" || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const t = ev.target;
    const typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
    const q = byId("q");
    if (!typing && q) {
      ev.preventDefault();
      q.focus();
      q.select();
    }
  });

  const page = document.body.getAttribute("data-page");
  if (page === "search") searchPage();
  else if (page === "document") documentPage();
  else if (page === "runs") runsPage();
})();
