/* saidwhat pages: search, article, speaker, overview, try it.
 * Plain JavaScript, no dependencies. Every piece of data goes into the page through textContent
 * (never innerHTML), so quotation text can never become markup. */
"use strict";

const $main = () => document.getElementById("main");
const PALETTE = 12;
const KINDS = ["direct", "partial", "indirect", "nested"];
const fmtDate = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
const fmtMonth = new Intl.DateTimeFormat("en-GB", { month: "short", year: "numeric", timeZone: "UTC" });
const fmtNum = new Intl.NumberFormat("en");

/* ---------- tiny DOM helpers ---------- */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "text") el.textContent = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}
function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}
const SVG = "http://www.w3.org/2000/svg";
function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "text") el.textContent = v; else el.setAttribute(k, String(v));
  }
  for (const c of children.flat(Infinity)) if (c) el.append(c);
  return el;
}
function date(iso) {
  if (!iso) return "undated";
  const d = new Date(iso + "T00:00:00Z");
  return isNaN(d) ? iso : fmtDate.format(d);
}
function month(ym) {
  if (!/^\d{4}-\d{2}$/.test(ym)) return ym;
  return fmtMonth.format(new Date(ym + "-01T00:00:00Z"));
}
const enc = encodeURIComponent;
function articleHref(id, quoteId) { return "/article/" + enc(id) + (quoteId ? "#" + enc(quoteId) : ""); }
function speakerHref(id) { return "/speaker/" + enc(id); }

async function api(path, options) {
  const res = await fetch(path, Object.assign({ headers: { accept: "application/json" } }, options || {}));
  let body = null;
  try { body = await res.json(); } catch (e) { body = null; }
  if (!res.ok) {
    let msg = "The server answered " + res.status + ".";
    if (body && body.error) msg = body.error.message;
    else if (body && Array.isArray(body.detail)) msg = body.detail.map((d) => (d.loc || []).slice(-1)[0] + ": " + d.msg).join("; ");
    const err = new Error(msg); err.status = res.status; throw err;
  }
  return body;
}
function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== "" && v !== false) q.set(k, v);
  const str = q.toString();
  return str ? "?" + str : "";
}
function rendered() {
  /* marks the first complete render of a page (used by the tests' timing check) */
  document.body.dataset.rendered = String((document.body.dataset.rendered | 0) + 1);
  performance.mark("saidwhat:rendered");
}
function setTitle(t) { document.title = t ? t + " · saidwhat" : "saidwhat"; }
function errorBox(err) {
  return h("div", { class: "notice error", role: "alert" }, h("strong", { text: "Something went wrong. " }), err.message || String(err));
}
function kindBadge(kind) { return h("span", { class: "badge k-" + kind, title: kind + " quotation", text: kind }); }

/* ---------- router ---------- */
const routes = [
  [/^\/$/, pageSearch, "search"],
  [/^\/overview\/?$/, pageOverview, "overview"],
  [/^\/try\/?$/, pageTry, "try"],
  [/^\/article\/(.+)$/, pageArticle, "search"],
  [/^\/speaker\/(.+)$/, pageSpeaker, "search"],
];
let navToken = 0;
async function route() {
  const path = location.pathname;
  const token = ++navToken;
  for (const [re, fn, nav] of routes) {
    const m = path.match(re);
    if (!m) continue;
    document.querySelectorAll(".top nav a").forEach((a) => {
      if (a.dataset.page === nav) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
    });
    const main = $main();
    try {
      await fn(main, m[1] ? decodeURIComponent(m[1]) : null, () => token === navToken);
    } catch (err) {
      if (token === navToken) { main.replaceChildren(errorBox(err)); rendered(); }
    }
    return;
  }
  $main().replaceChildren(h("h1", { text: "Page not found" }), h("p", {}, h("a", { href: "/", "data-nav": true, text: "Back to search" })));
  rendered();
}
function go(url, replace) {
  window.__inApp = true;
  if (replace) history.replaceState(null, "", url); else history.pushState(null, "", url);
  route().then(() => { if (!replace && !location.hash) window.scrollTo(0, 0); });
}
document.addEventListener("click", (ev) => {
  const a = ev.target.closest && ev.target.closest("a[href]");
  if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith("/api/") || url.pathname.startsWith("/openapi") || url.pathname.startsWith("/static/")) return;
  if (url.pathname === location.pathname && url.search === location.search && url.hash) return;
  ev.preventDefault();
  go(url.pathname + url.search + url.hash);
  $main().focus({ preventScroll: true });
});
window.addEventListener("popstate", route);
document.addEventListener("keydown", (ev) => {
  const t = ev.target;
  const typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
  if (ev.key === "/" && !typing) {
    const box = document.getElementById("q");
    if (box) { ev.preventDefault(); box.focus(); box.select(); } else { ev.preventDefault(); go("/"); }
  } else if (!typing && (ev.key === "n" || ev.key === "p") && !ev.metaKey && !ev.ctrlKey) {
    if (window.__stepQuote) window.__stepQuote(ev.key === "n" ? 1 : -1);
  } else if (ev.key === "Escape" && window.__closeDetail) {
    window.__closeDetail();
  }
});

/* ---------- shared pieces ---------- */
function highlightWords(text, q) {
  const words = (q || "").match(/[\p{L}\p{N}_]+/gu);
  if (!words || !words.length) return [text];
  const re = new RegExp("(" + words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|") + ")", "giu");
  const out = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push(h("mark", { text: m[0] }));
    last = m.index + m[0].length;
  }
  out.push(text.slice(last));
  return out;
}
function quoteCard(hit, q) {
  return h("li", { class: "card" },
    h("blockquote", {}, h("a", { href: articleHref(hit.article_id, hit.quote_id), "aria-label": "Open the article: " + hit.text.slice(0, 80) }, highlightWords(hit.text, q))),
    h("div", { class: "meta" },
      hit.speaker_id
        ? h("a", { class: "who", href: speakerHref(hit.speaker_id), text: hit.speaker || "?" })
        : h("span", { class: "who muted", text: hit.speaker ? hit.speaker : "Unattributed" }),
      h("span", { text: hit.outlet || "unknown outlet" }),
      h("time", { datetime: hit.published || "", text: date(hit.published) }),
      kindBadge(hit.kind),
      hit.count > 1 ? h("span", { title: "independent reports (syndicated copies count once)", text: hit.count + " reports" }) : null,
      h("a", { href: articleHref(hit.article_id, hit.quote_id), text: "Open article →" })));
}
function moreButton(label, onClick) {
  const b = h("button", { type: "button", text: label });
  b.addEventListener("click", async () => { b.disabled = true; b.textContent = "Loading…"; try { await onClick(b); } finally { b.remove(); } });
  return h("div", { class: "more" }, b);
}

/* ---------- search page ---------- */
let outletsCache = null;
async function outlets() {
  if (!outletsCache) outletsCache = api("/api/outlets").catch(() => []);
  return outletsCache;
}
async function pageSearch(main, _arg, current) {
  const params = new URLSearchParams(location.search);
  const state = {
    q: params.get("q") || "", speaker: params.get("speaker") || "", outlet: params.get("outlet") || "",
    kind: params.get("kind") || "", date_from: params.get("from") || "", date_to: params.get("to") || "",
    phrase: params.get("phrase") === "1",
  };
  const filtersOn = ["speaker", "outlet", "kind", "date_from", "date_to"].filter((k) => state[k]);
  setTitle(state.q ? "“" + state.q + "”" : "Search");

  const resultsPromise = api("/api/quotations" + query({
    q: state.q, speaker: state.speaker, outlet: state.outlet, kind: state.kind,
    date_from: state.date_from, date_to: state.date_to, phrase: state.phrase ? "true" : "", limit: 20,
  }));
  const outletList = await outlets();
  if (!current()) return;

  const input = h("input", { id: "q", name: "q", type: "search", value: state.q, placeholder: "What was said? Try: library, \"every dollar\", strike*", "aria-label": "Search quotations", autocomplete: "off" });
  const outletSel = h("select", { name: "outlet" }, h("option", { value: "", text: "Any outlet" }),
    outletList.map((o) => h("option", { value: o.outlet, selected: o.outlet === state.outlet, text: o.outlet })));
  if (state.outlet && !outletList.some((o) => o.outlet === state.outlet)) outletSel.append(h("option", { value: state.outlet, selected: true, text: state.outlet }));
  const kindSel = h("select", { name: "kind" }, h("option", { value: "", text: "Any kind" }),
    KINDS.map((k) => h("option", { value: k, selected: k === state.kind, text: k })));
  const speakerInput = h("input", { name: "speaker", value: state.speaker, placeholder: "e.g. Almasi", list: "speaker-list", autocomplete: "off" });
  const speakerList = h("datalist", { id: "speaker-list" });
  let suggestTimer = 0;
  speakerInput.addEventListener("input", () => {
    clearTimeout(suggestTimer);
    suggestTimer = setTimeout(async () => {
      const v = speakerInput.value.trim();
      if (v.length < 2) return;
      try {
        const page = await api("/api/speakers" + query({ q: v, limit: 8 }));
        speakerList.replaceChildren(...page.items.map((sp) => h("option", { value: sp.name })));
      } catch (e) { /* suggestions are optional */ }
    }, 150);
  });
  const fromInput = h("input", { type: "date", name: "from", value: state.date_from });
  const toInput = h("input", { type: "date", name: "to", value: state.date_to });
  const phraseBox = h("input", { type: "checkbox", name: "phrase", checked: state.phrase });

  const form = h("form", { role: "search", class: "search" },
    h("div", { class: "searchbox" }, input, h("button", { class: "primary", type: "submit", text: "Search" })),
    h("details", { class: "filterbox", open: filtersOn.length > 0 || window.innerWidth > 700 },
      h("summary", { text: "Filters" + (filtersOn.length ? " (" + filtersOn.length + ")" : "") }),
      h("div", { class: "filters" },
        h("label", {}, "Speaker", speakerInput, speakerList),
        h("label", {}, "Outlet", outletSel),
        h("label", {}, "Kind", kindSel),
        h("label", {}, "From", fromInput),
        h("label", {}, "To", toInput),
        h("label", { class: "check" }, phraseBox, "Exact phrase"))));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    go("/" + query({ q: input.value.trim(), speaker: speakerInput.value.trim(), outlet: outletSel.value, kind: kindSel.value, from: fromInput.value, to: toInput.value, phrase: phraseBox.checked ? "1" : "" }));
  });
  for (const el of [outletSel, kindSel, fromInput, toInput, phraseBox]) el.addEventListener("change", () => form.requestSubmit());

  const section = h("section", { "aria-live": "polite", "aria-busy": "true" }, h("p", { class: "muted", text: "Searching…" }));
  main.replaceChildren(h("h1", { class: "visually-hidden-h1", text: "Who said what" }), form, section);
  if (!state.q && !filtersOn.length && document.activeElement === document.body) input.focus({ preventScroll: true });

  let page;
  try { page = await resultsPromise; } catch (err) { section.replaceChildren(errorBox(err)); section.removeAttribute("aria-busy"); rendered(); return; }
  if (!current()) return;
  section.removeAttribute("aria-busy");

  const chips = h("div", { class: "active-filters" }, filtersOn.map((k) => {
    const label = { speaker: "Speaker", outlet: "Outlet", kind: "Kind", date_from: "From", date_to: "To" }[k];
    const p = new URLSearchParams(location.search);
    p.delete(k === "date_from" ? "from" : k === "date_to" ? "to" : k);
    return h("a", { class: "chip", href: "/" + (p.toString() ? "?" + p : ""), title: "Remove this filter" }, label + ": " + state[k] + " ✕");
  }));

  if (!page.items.length) {
    const ideas = [];
    if (filtersOn.length) ideas.push(h("li", {}, "Remove a filter: ", chips));
    if (state.phrase) ideas.push(h("li", {}, "Turn off ", h("em", { text: "Exact phrase" }), " to find the words in any order."));
    if (state.q && state.q.trim().split(/\s+/).length > 1) ideas.push(h("li", { text: "Use fewer words: every word must occur in the quotation." }));
    if (state.q) ideas.push(h("li", {}, "Try the start of a word with a star: ", h("code", { text: (state.q.trim().split(/\s+/)[0] || "word").replace(/\W+$/, "") + "*" })));
    const box = h("div", { class: "notice", role: "status" },
      h("h2", { text: state.q ? "No quotation matches “" + state.q + "”" : "No quotation matches these filters" }),
      ideas.length ? h("ul", {}, ideas) : null);
    section.replaceChildren(box);
    if (state.speaker) {
      try {
        const sp = await api("/api/speakers" + query({ q: state.speaker.split(/\s+/).slice(-1)[0], limit: 5 }));
        if (sp.items.length) box.append(h("p", {}, "Speakers with a similar name: ", sp.items.map((x, i) => [i ? ", " : "", h("a", { href: speakerHref(x.speaker_id), text: x.name })])));
      } catch (e) { /* optional */ }
    }
    rendered();
    return;
  }

  const intro = [];
  if (!state.q && !filtersOn.length) {
    intro.push(h("div", { class: "tips notice" },
      h("strong", { text: "Search what people said in the news." }),
      h("ul", {},
        h("li", {}, "Words must all occur: ", h("code", { text: "library budget" }), ". A phrase in double quotes: ", h("code", { text: "\"close a library\"" }), ". A prefix: ", h("code", { text: "strik*" }), "."),
        h("li", { text: "Narrow by speaker, outlet, kind or dates with the filters; open a quotation to see it in its article." })),
      h("div", { class: "examples" }, h("span", { class: "muted", text: "Browse: " }),
        h("a", { class: "chip", href: "/overview", text: "Overview of the corpus" }),
        h("a", { class: "chip", href: "/try", text: "Try it on your own text" }))));
  }
  const summary = h("p", { class: "summary", role: "status" },
    state.q || filtersOn.length ? (page.has_more ? "More than " + page.items.length + " quotations" : page.items.length + (page.items.length === 1 ? " quotation" : " quotations")) + (state.q ? ", best match first" : ", newest first") : "Latest quotations");
  const list = h("ol", { class: "results" }, page.items.map((hit) => quoteCard(hit, state.q)));
  section.replaceChildren(...intro, chips, summary, list);
  let offset = page.items.length;
  const addMore = (has) => {
    if (!has) return;
    section.append(moreButton("More results", async () => {
      const next = await api("/api/quotations" + query({ q: state.q, speaker: state.speaker, outlet: state.outlet, kind: state.kind, date_from: state.date_from, date_to: state.date_to, phrase: state.phrase ? "true" : "", limit: 20, offset }));
      next.items.forEach((hit) => list.append(quoteCard(hit, state.q)));
      offset += next.items.length;
      addMore(next.has_more && offset < 1000);
    }));
  };
  addMore(page.has_more);
  rendered();
}

/* ---------- article rendering (stored articles and "Try it") ---------- */
function colourMap(quotes) {
  const counts = new Map();
  for (const q of quotes) if (q.speaker_id || q.speaker) {
    const key = q.speaker_id || q.speaker;
    counts.set(key, (counts.get(key) || 0) + 1);
  }
  const keys = [...counts.keys()];
  const first = new Map();
  quotes.forEach((q, i) => { const k = q.speaker_id || q.speaker; if (k && !first.has(k)) first.set(k, i); });
  keys.sort((a, b) => first.get(a) - first.get(b));
  const map = new Map(keys.map((k, i) => [k, i % PALETTE]));
  return { map, counts, keys };
}
function speakerKey(q) { return q.speaker_id || q.speaker || null; }

/* Builds the article text with nested highlight elements: each quote span, caption, speaker
 * mention and cue becomes an element; overlapping ranges are nested, crossing ones are split. */
function renderText(text, ranges) {
  const bounds = new Set([0, text.length]);
  for (const r of ranges) { bounds.add(Math.max(0, Math.min(text.length, r.start))); bounds.add(Math.max(0, Math.min(text.length, r.end))); }
  const points = [...bounds].sort((a, b) => a - b);
  /* outer ranges first: longer before shorter, then by rank (captions outside quotes) */
  const ordered = ranges.filter((r) => r.end > r.start).sort((a, b) => (a.rank - b.rank) || ((b.end - b.start) - (a.end - a.start)) || (a.start - b.start));
  const root = document.createDocumentFragment();
  let stack = []; /* [{range, el}] */
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i], b = points[i + 1];
    const cover = ordered.filter((r) => r.start <= a && r.end >= b);
    let keep = 0;
    while (keep < stack.length && keep < cover.length && stack[keep].range === cover[keep]) keep++;
    stack = stack.slice(0, keep);
    for (let j = keep; j < cover.length; j++) {
      const el = cover[j].make();
      (stack.length ? stack[stack.length - 1].el : root).append(el);
      stack.push({ range: cover[j], el });
    }
    (stack.length ? stack[stack.length - 1].el : root).append(document.createTextNode(text.slice(a, b)));
  }
  return root;
}

function articleView(data, opts) {
  const quotes = data.quotes.slice().sort((a, b) => a.start - b.start || b.end - a.end);
  const byId = new Map(quotes.map((q) => [q.quote_id, q]));
  const colours = colourMap(quotes);
  const elems = new Map(); /* quote_id -> [elements] */
  const ranges = [];
  if (data.body_start > 0) ranges.push({ start: 0, end: data.body_start, rank: 0, make: () => h("span", { class: "header", title: "metadata header" }) });
  for (const c of data.captions) ranges.push({ start: c.start, end: c.end, rank: 1, make: () => h("span", { class: "caption", title: "Photo caption" + (c.credit ? " (" + c.credit + ")" : "") }) });
  for (const n of data.not_quotes || []) ranges.push({ start: n.start, end: n.end, rank: 4, make: () => h("span", { class: "notquote", title: "Not a quotation: " + n.reason }) });
  quotes.forEach((q) => {
    const key = speakerKey(q);
    const colour = key ? "c" + colours.map.get(key) : "unattr";
    const nested = q.kind === "nested" || !!q.parent;
    q.spans.forEach(([start, end], partIndex) => {
      ranges.push({
        start, end, rank: 2, make: () => {
          const el = h("mark", {
            class: ["q", colour, "k-" + q.kind, nested ? "nested" : ""].join(" ").trim(),
            "data-q": q.quote_id, tabindex: partIndex === 0 ? "0" : "-1", role: "button",
            id: partIndex === 0 ? "quote-" + q.quote_id : null,
            "aria-label": (q.speaker ? q.speaker : "Unattributed") + ", " + q.kind + " quotation" + (nested ? " (nested)" : "") + ": " + q.text.slice(0, 120),
          });
          if (!elems.has(q.quote_id)) elems.set(q.quote_id, []);
          elems.get(q.quote_id).push(el);
          return el;
        },
      });
    });
    for (const [start, end] of q.speaker_spans || []) ranges.push({ start, end, rank: 3, make: () => { const el = h("span", { class: "speaker-span", "data-for": q.quote_id }); (elems.get("s:" + q.quote_id) || elems.set("s:" + q.quote_id, []).get("s:" + q.quote_id)).push(el); return el; } });
    for (const [start, end] of q.cue_spans || []) ranges.push({ start, end, rank: 3, make: () => { const el = h("span", { class: "cue-span", "data-for": q.quote_id }); (elems.get("c:" + q.quote_id) || elems.set("c:" + q.quote_id, []).get("c:" + q.quote_id)).push(el); return el; } });
  });
  const textBox = h("div", { class: "article-text", lang: "en" });
  textBox.append(renderText(data.text, ranges));

  /* detail panel */
  const detail = h("section", { class: "panel detail", "aria-live": "polite", "aria-label": "Selected quotation" });
  const detailEmpty = () => detail.replaceChildren(h("h2", { text: "Quotation details" }), h("p", { class: "hint", text: "Hover, tap or tab to a highlighted quotation to see who said it, the cue, the medium, the confidence and the evidence for the attribution. Keys n / p step through them." }));
  detailEmpty();
  let pinned = null;
  let shown = null;
  const setOn = (qid, on) => {
    for (const el of elems.get(qid) || []) el.classList.toggle("active", on);
    for (const el of elems.get("s:" + qid) || []) el.classList.toggle("on", on);
    for (const el of elems.get("c:" + qid) || []) el.classList.toggle("on", on);
  };
  function show(q, pin) {
    if (shown) setOn(shown.quote_id, false);
    if (pinned && pinned !== q && !pin) setOn(pinned.quote_id, true);
    shown = q; setOn(q.quote_id, true);
    if (pin) pinned = q;
    const key = speakerKey(q);
    const sw = h("span", { class: "sw " + (key ? "c" + colours.map.get(key) : "") });
    const rows = [
      ["Speaker", q.speaker ? (opts.linkSpeakers && q.speaker_id ? h("a", { href: speakerHref(q.speaker_id), text: q.speaker }) : q.speaker) : h("em", { text: "unattributed" })],
      ["Kind", [kindBadge(q.kind), q.parent ? " inside " : "", q.parent ? h("a", { href: "#quote-" + q.parent, "data-jump": q.parent, text: q.parent }) : ""]],
      ["Cue", q.cue || "—"],
      ["Medium", q.medium ? q.medium + (q.addressee && q.addressee !== q.medium ? " (to " + q.addressee + ")" : "") : (q.addressee ? "to " + q.addressee : "—")],
      ["Confidence", [h("span", { class: "meter", role: "img", "aria-label": Math.round(q.confidence * 100) + " percent" }, h("span", { class: "w" + Math.round(q.confidence * 20) })), Math.round(q.confidence * 100) + "%"]],
    ];
    if (q.continues) rows.push(["Split", ["continues ", h("a", { href: "#quote-" + q.continues, "data-jump": q.continues, text: q.continues })]]);
    const later = quotes.filter((x) => x.continues === q.quote_id).map((x) => x.quote_id);
    if (later.length) rows.push(["Split", "continued in " + later.join(", ")]);
    if (opts.linkSpeakers && q.reports > 1) rows.push(["Reports", h("a", { href: "/" + query({ q: "\"" + q.text.split(/\s+/).slice(0, 8).join(" ") + "\"" }), text: q.reports + " independent stories" })]);
    const meter = rows[4][1][0].firstChild;
    meter.style.width = Math.round(q.confidence * 100) + "%";
    const closeBtn = h("button", { class: "close chip", type: "button", "aria-label": "Close details", text: "✕" });
    closeBtn.addEventListener("click", () => window.__closeDetail());
    detail.replaceChildren(
      closeBtn,
      h("h2", {}, sw, " ", q.quote_id),
      h("blockquote", { text: "“" + q.text + "”" }),
      h("dl", {}, rows.map(([k, v]) => [h("dt", { text: k }), h("dd", {}, v)])),
      h("div", {}, h("strong", { text: "Evidence for the attribution" }),
        q.evidence.length ? h("ol", {}, q.evidence.map((e) => h("li", { text: e }))) : h("p", { class: "hint", text: "no rule recorded" })));
    detail.classList.add("open");
  }
  window.__closeDetail = () => {
    if (pinned) setOn(pinned.quote_id, false);
    if (shown) setOn(shown.quote_id, false);
    const back = pinned; pinned = null; shown = null; detail.classList.remove("open"); detailEmpty();
    if (back && elems.get(back.quote_id)) elems.get(back.quote_id)[0].focus();
  };
  const quoteOf = (el) => { const m = el.closest && el.closest("mark.q"); return m ? byId.get(m.dataset.q) : null; };
  textBox.addEventListener("mouseover", (ev) => { const q = quoteOf(ev.target); if (q && q !== shown) show(q, false); });
  textBox.addEventListener("mouseleave", () => { if (pinned) show(pinned, true); });
  textBox.addEventListener("click", (ev) => { const q = quoteOf(ev.target); if (q) { ev.stopPropagation(); show(q, true); } });
  textBox.addEventListener("focusin", (ev) => { const q = quoteOf(ev.target); if (q) show(q, true); });
  textBox.addEventListener("keydown", (ev) => {
    const q = quoteOf(ev.target);
    if (q && (ev.key === "Enter" || ev.key === " ")) { ev.preventDefault(); show(q, true); }
  });
  detail.addEventListener("click", (ev) => {
    const a = ev.target.closest("[data-jump]");
    if (a) { ev.preventDefault(); const el = (elems.get(a.dataset.jump) || [])[0]; if (el) { el.focus(); el.scrollIntoView({ block: "center" }); } }
  });
  window.__stepQuote = (dir) => {
    if (!quotes.length) return;
    const i = shown ? quotes.indexOf(shown) : -1;
    const next = quotes[(i + dir + quotes.length) % quotes.length];
    const el = (elems.get(next.quote_id) || [])[0];
    if (el) { el.focus(); el.scrollIntoView({ block: "center", behavior: "smooth" }); }
  };

  /* legend */
  const legendButtons = [];
  const filterBy = (key, btn) => {
    const on = btn.getAttribute("aria-pressed") !== "true";
    legendButtons.forEach((b) => b.setAttribute("aria-pressed", "false"));
    btn.setAttribute("aria-pressed", on ? "true" : "false");
    for (const q of quotes) for (const el of elems.get(q.quote_id) || []) el.classList.toggle("dim", on && speakerKey(q) !== key);
  };
  const legendItems = colours.keys.map((key) => {
    const q = quotes.find((x) => speakerKey(x) === key);
    const btn = h("button", { type: "button", "aria-pressed": "false", title: "Show only this speaker's quotations" },
      h("span", { class: "sw c" + colours.map.get(key) }), h("span", { text: q.speaker || key }), h("span", { class: "n", text: colours.counts.get(key) }));
    btn.addEventListener("click", () => filterBy(key, btn));
    legendButtons.push(btn);
    const links = opts.linkSpeakers && q.speaker_id ? h("a", { href: speakerHref(q.speaker_id), class: "visually-link", "aria-label": "Speaker page of " + (q.speaker || key), text: "→" }) : null;
    return h("li", { class: "legend-row" }, btn, links);
  });
  const unattributed = quotes.filter((q) => !speakerKey(q)).length;
  if (unattributed) {
    const btn = h("button", { type: "button", "aria-pressed": "false" }, h("span", { class: "sw" }), h("span", { text: "Unattributed" }), h("span", { class: "n", text: unattributed }));
    btn.addEventListener("click", () => filterBy(null, btn));
    legendButtons.push(btn);
    legendItems.push(h("li", {}, btn));
  }
  const kinds = KINDS.map((k) => [k, quotes.filter((q) => q.kind === k).length]).filter(([, n]) => n);
  const legend = h("section", { class: "panel" },
    h("h2", { text: quotes.length + (quotes.length === 1 ? " quotation" : " quotations") + ", " + colours.keys.length + (colours.keys.length === 1 ? " speaker" : " speakers") }),
    quotes.length ? h("ul", { class: "legend" }, legendItems) : h("p", { class: "hint", text: "No quotation found in this text." }),
    h("p", { class: "hint" }, kinds.map(([k, n], i) => [i ? " · " : "", n + " " + k]),
      data.captions.length ? " · " + data.captions.length + (data.captions.length === 1 ? " caption" : " captions") : ""),
    h("p", { class: "hint", text: "Tinted: direct or partial quotation; underlined only: indirect speech; dashed outline: nested inside another quotation; striped: unattributed. Boxed grey blocks are photo captions." }));

  const layout = h("div", { class: "article-layout" }, textBox, h("aside", { class: "side" }, legend, detail));
  return { node: layout, focusQuote: (qid) => { const el = (elems.get(qid) || [])[0]; if (el) { el.scrollIntoView({ block: "center" }); el.focus({ preventScroll: true }); } } };
}

async function pageArticle(main, id, current) {
  const data = await api("/api/articles/" + enc(id));
  if (!current()) return;
  setTitle(data.title || data.article_id);
  const view = articleView(data, { linkSpeakers: true });
  main.replaceChildren(
    h("div", { class: "article-head" },
      h("p", { class: "muted" }, h("a", { href: "/", onclick: (ev) => { if (window.__inApp) { ev.preventDefault(); history.back(); } }, text: "← Back" })),
      h("h1", { text: data.title || data.article_id }),
      h("div", { class: "meta" },
        h("span", { class: "who", text: data.outlet || "unknown outlet" }),
        h("time", { datetime: data.published || "", text: date(data.published) }),
        data.author ? h("span", { text: "by " + data.author }) : null,
        data.versions > 1 ? h("span", { text: "version " + data.version + " of " + data.versions }) : null,
        data.url ? h("a", { href: data.url, rel: "noopener noreferrer nofollow", target: "_blank", text: "original ↗" }) : null,
        h("span", { class: "muted", text: "id " + data.article_id }))),
    view.node);
  if (location.hash) view.focusQuote(decodeURIComponent(location.hash.slice(1)));
  rendered();
}

/* ---------- charts ---------- */
function barChart(points, opts) {
  /* points: [{label, value, title}] -> responsive SVG bar chart with an accessible table */
  const W = 640, H = 200, padL = 36, padB = 34, padT = 10;
  const max = Math.max(1, ...points.map((p) => p.value));
  const n = Math.max(1, points.length);
  const slot = (W - padL - 8) / n;
  const bw = Math.min(slot, 48);
  const x0 = padL + (slot - bw) * n / 2;
  const ticks = [...new Set([0, Math.round(max / 2), max])];
  const every = Math.ceil(n / 12);
  const svg = s("svg", { class: "chart", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": opts.title },
    ticks.map((t) => { const y = H - padB - (t / max) * (H - padB - padT); return [s("line", { class: "axis", x1: padL, x2: W, y1: y, y2: y }), s("text", { x: padL - 6, y: y + 4, "text-anchor": "end", text: fmtNum.format(t) })]; }),
    points.map((p, i) => {
      const x = x0 + i * bw + bw * 0.12;
      let y0 = H - padB;
      const parts = p.stack || [{ value: p.value, cls: "bar" }];
      const rects = parts.map((part) => {
        const hgt = (part.value / max) * (H - padB - padT);
        y0 -= hgt;
        return s("rect", { class: part.cls, x, y: y0, width: Math.max(1, bw * 0.76), height: Math.max(0, hgt) }, s("title", { text: (part.name ? part.name + ", " : "") + p.label + ": " + fmtNum.format(part.value) }));
      });
      const label = i % every === 0 ? s("text", { x: x + bw * 0.38, y: H - padB + 14, "text-anchor": "middle", text: p.short || p.label }) : null;
      return [rects, label];
    }));
  const table = h("details", { class: "astable" }, h("summary", { text: "Show as a table" }),
    h("table", { class: "data" }, h("thead", {}, h("tr", {}, h("th", { text: opts.labelName || "Month" }), h("th", { text: opts.valueName || "Quotations" }))),
      h("tbody", {}, points.map((p) => h("tr", {}, h("td", { text: p.label }), h("td", { class: "num", text: fmtNum.format(p.value) }))))));
  return h("figure", { class: "panel", style: null }, h("figcaption", {}, h("strong", { text: opts.title })), svg, opts.key || null, table);
}
function hbars(items, opts) {
  const max = Math.max(1, ...items.map((i) => i.value));
  return h("ul", { class: "hbars", "aria-label": opts && opts.title }, items.map((it) => {
    const fill = h("span", { class: "fill" });
    fill.style.width = (100 * it.value / max).toFixed(1) + "%";
    return h("li", {}, h("span", { class: "label", title: it.label }, it.href ? h("a", { href: it.href, text: it.label }) : it.label), h("span", { class: "track" }, fill), h("span", { class: "n", text: fmtNum.format(it.value) }));
  }));
}
function fillMonths(rows) {
  /* months between the first and last dated month, zero-filled; "(undated)" kept at the end */
  const dated = rows.filter((r) => /^\d{4}-\d{2}$/.test(r.month)).sort((a, b) => a.month.localeCompare(b.month));
  const out = [];
  if (dated.length) {
    const byMonth = new Map(dated.map((r) => [r.month, r]));
    let [y, m] = dated[0].month.split("-").map(Number);
    const [ly, lm] = dated[dated.length - 1].month.split("-").map(Number);
    let guard = 0;
    while ((y < ly || (y === ly && m <= lm)) && guard++ < 600) {
      const key = y + "-" + String(m).padStart(2, "0");
      out.push(byMonth.get(key) || { month: key, count: 0 });
      m++; if (m > 12) { m = 1; y++; }
    }
  }
  return out.concat(rows.filter((r) => !/^\d{4}-\d{2}$/.test(r.month)));
}

/* ---------- speaker page ---------- */
async function pageSpeaker(main, id, current) {
  const [detail, first] = await Promise.all([
    api("/api/speakers/" + enc(id)),
    api("/api/quotations" + query({ speaker_id: id, limit: 20 })),
  ]);
  if (!current()) return;
  const sp = detail.speaker;
  setTitle(sp.name);
  const months = fillMonths(detail.per_month);
  const list = h("ol", { class: "results" }, first.items.map((hit) => quoteCard(hit, "")));
  const within = h("input", { type: "search", placeholder: "Search " + sp.name + "’s quotations", "aria-label": "Search this speaker's quotations" });
  const withinForm = h("form", { class: "searchbox", role: "search" }, within, h("button", { type: "submit", text: "Search" }));
  const listBox = h("div", {}, list);
  let offset = first.items.length;
  let q = "";
  const more = (has) => {
    if (!has) return;
    listBox.append(moreButton("More quotations", async () => {
      const next = await api("/api/quotations" + query({ speaker_id: id, q, limit: 20, offset }));
      next.items.forEach((hit) => list.append(quoteCard(hit, q)));
      offset += next.items.length; more(next.has_more && offset < 1000);
    }));
  };
  withinForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    q = within.value.trim();
    const page = await api("/api/quotations" + query({ speaker_id: id, q, limit: 20 }));
    list.replaceChildren(...page.items.map((hit) => quoteCard(hit, q)));
    listBox.replaceChildren(list);
    if (!page.items.length) listBox.append(h("p", { class: "notice", text: "None of " + sp.name + "’s quotations has these words." }));
    offset = page.items.length; more(page.has_more);
  });
  more(first.has_more);
  main.replaceChildren(
    h("div", { class: "speaker-head" },
      h("h1", {}, sp.name, " ", h("span", { class: "badge", text: sp.type })),
      sp.aliases.length ? h("p", { class: "aliases" }, h("span", { class: "muted", text: "Also called: " }), sp.aliases.map((a, i) => [i ? ", " : "", h("span", { class: "chip", text: a })])) : h("p", { class: "muted", text: "No other names recorded." })),
    h("div", { class: "cards" },
      stat(sp.quote_count, "quotes"), stat(sp.quotation_count, "distinct quotations"), stat(sp.article_count, "articles"),
      stat(sp.first_seen ? date(sp.first_seen) : "—", "first seen"), stat(sp.last_seen ? date(sp.last_seen) : "—", "last seen")),
    h("div", { class: "grid2" },
      barChart(months.map((r) => ({ label: month(r.month), short: shortMonth(r.month), value: r.count })), { title: "Quotations per month" }),
      h("section", { class: "panel" }, h("h2", { text: "Outlets that quote " + sp.name }),
        hbars(detail.outlets.map((o) => ({ label: o.outlet, value: o.count, href: "/" + query({ speaker: sp.name, outlet: o.outlet === "(unknown)" ? "" : o.outlet }) })), { title: "Outlets" }))),
    h("h2", { text: "All quotations" }), withinForm, listBox);
  rendered();
}
function shortMonth(ym) {
  if (!/^\d{4}-\d{2}$/.test(ym)) return ym === "(undated)" ? "n.d." : ym;
  return fmtMonth.format(new Date(ym + "-01T00:00:00Z")).replace(" 20", " ’");
}
function stat(value, label) {
  const num = typeof value === "number";
  return h("div", { class: "stat" }, h("div", { class: num ? "v" : "v small", text: num ? fmtNum.format(value) : value }), h("div", { class: "l", text: label }));
}

/* ---------- overview ---------- */
async function pageOverview(main, _arg, current) {
  const st = await api("/api/stats?top=12");
  if (!current()) return;
  setTitle("Overview");
  const top = st.per_outlet.slice(0, 6).map((o) => o.outlet);
  const series = (o) => { const i = top.indexOf(o); return i < 0 ? 6 : i; };
  const byMonth = new Map();
  for (const r of st.per_outlet_month) {
    if (!byMonth.has(r.month)) byMonth.set(r.month, new Array(7).fill(0));
    byMonth.get(r.month)[series(r.outlet)] += r.count;
  }
  const months = fillMonths(st.per_month);
  const points = months.map((r) => {
    const parts = byMonth.get(r.month) || new Array(7).fill(0);
    return { label: month(r.month), short: shortMonth(r.month), value: r.count, stack: parts.map((v, i) => ({ value: v, cls: "s" + i, name: i < 6 ? top[i] : "other outlets" })).filter((p) => p.value) };
  });
  const key = h("div", { class: "keyrow" }, top.map((o, i) => h("span", {}, h("span", { class: "sw s" + i }), o)), st.per_outlet.length > 6 ? h("span", {}, h("span", { class: "sw s6" }), "other outlets") : null);
  const share = Math.round(st.unattributed_share * 1000) / 10;
  const donut = s("svg", { viewBox: "0 0 42 42", width: 64, height: 64, role: "img", "aria-label": share + "% unattributed" },
    s("circle", { class: "ring-a", cx: 21, cy: 21, r: 15.9, fill: "none", "stroke-width": 6 }),
    s("circle", { class: "ring-u", cx: 21, cy: 21, r: 15.9, fill: "none", "stroke-width": 6, "stroke-dasharray": `${share} ${100 - share}`, "stroke-dashoffset": 25 }));
  main.replaceChildren(
    h("h1", { text: "Overview" }),
    h("div", { class: "cards" },
      stat(st.articles, "articles"), stat(st.quotations, "quotations"), stat(st.mentions, "quotation mentions"), stat(st.speakers, "speakers"),
      h("div", { class: "stat donut" }, donut, h("div", {}, h("div", { class: "v", text: share + "%" }), h("div", { class: "l", text: "unattributed" })))),
    barChart(points, { title: "Quotations per month, by outlet", key }),
    h("div", { class: "grid2" },
      h("section", { class: "panel" }, h("h2", { text: "Quotations per outlet" }),
        hbars(st.per_outlet.slice(0, 15).map((o) => ({ label: o.outlet, value: o.count, href: o.outlet === "(unknown)" ? null : "/" + query({ outlet: o.outlet }) })), { title: "Quotations per outlet" })),
      h("section", { class: "panel" }, h("h2", { text: "Top speakers" }),
        hbars(st.top_speakers.map((sp) => ({ label: sp.name, value: sp.quote_count, href: speakerHref(sp.speaker_id) })), { title: "Top speakers" }))),
    h("section", { class: "panel" }, h("h2", { text: "Quotations per outlet and month" }), outletMonthTable(st)));
  rendered();
}
function outletMonthTable(st) {
  const months = [...new Set(st.per_outlet_month.map((r) => r.month))].sort();
  const outlets = st.per_outlet.map((o) => o.outlet).slice(0, 20);
  const cell = new Map(st.per_outlet_month.map((r) => [r.outlet + "\u0000" + r.month, r.count]));
  const shown = months.slice(-12);
  return h("div", { class: "scroll" }, h("table", { class: "data" },
    h("thead", {}, h("tr", {}, h("th", { text: "Outlet" }), shown.map((m) => h("th", { text: shortMonth(m) })))),
    h("tbody", {}, outlets.map((o) => h("tr", {}, h("th", { text: o }), shown.map((m) => h("td", { class: "num", text: cell.has(o + "\u0000" + m) ? fmtNum.format(cell.get(o + "\u0000" + m)) : "·" })))))),
    months.length > shown.length ? h("p", { class: "hint", text: "The last 12 months are shown." }) : null);
}

/* ---------- try it ---------- */
const SAMPLE = [
  "date 2025-03-02",
  "outlet: Example Weekly",
  "title: Harbour ferry returns after a winter away",
  "",
  "The little ferry between Northwick and the island is running again, three weeks later than planned.",
  "",
  "“We kept telling people March, and we meant it,” said Maren Olafsdottir, who runs the crossing with her brother. “The engine had other ideas.”",
  "",
  "Her brother, Tomas Olafsson, was blunter. “It was the gearbox,” he said. “It is always the gearbox.”",
  "",
  "According to the harbour master, Ruth Penhallow, the timetable will stay the same as last summer. She told the Example Weekly that the first crossing is at seven.",
  "",
  "The ferry “Puffin II” rests at the quay after its first crossing of the season. Photo: A. Example / Example Weekly",
].join("\n");
async function pageTry(main, _arg, current) {
  setTitle("Try it");
  const area = h("textarea", { id: "paste", name: "text", "aria-label": "Article text", placeholder: "Paste an article here. Optional first lines: date 2024-05-14 · outlet: … · title: …", spellcheck: "false" });
  const saved = sessionStorage.getItem("saidwhat:try");
  if (saved) area.value = saved;
  const run = h("button", { class: "primary", type: "submit", text: "Find quotations" });
  const sample = h("button", { type: "button", text: "Use an example" });
  const out = h("section", { "aria-live": "polite" });
  const status = h("span", { class: "hint", role: "status" });
  const form = h("form", { class: "tryform" }, area, h("div", { class: "row" }, run, sample, status, h("span", { class: "hint", text: "Ctrl+Enter runs it. Nothing is stored." })));
  let seq = 0;
  async function extract() {
    const text = area.value;
    sessionStorage.setItem("saidwhat:try", text);
    if (!text.trim()) { out.replaceChildren(h("p", { class: "notice", text: "Paste some text first: an article with quotations in it." })); return; }
    const mine = ++seq;
    run.disabled = true; status.textContent = "Reading…";
    const t0 = performance.now();
    try {
      const data = await api("/api/extract", { method: "POST", headers: { "content-type": "application/json", accept: "application/json" }, body: JSON.stringify({ text }) });
      if (mine !== seq) return;
      const view = articleView(data, { linkSpeakers: false });
      out.replaceChildren(h("h2", { text: data.title || "Your text" }), view.node);
      status.textContent = data.quotes.length + " quotation(s) in " + Math.round(performance.now() - t0) + " ms";
      rendered();
    } catch (err) {
      if (mine !== seq) return;
      out.replaceChildren(errorBox(err)); status.textContent = "";
      rendered();
    } finally { if (mine === seq) run.disabled = false; }
  }
  form.addEventListener("submit", (ev) => { ev.preventDefault(); extract(); });
  area.addEventListener("paste", () => setTimeout(extract, 0));
  area.addEventListener("keydown", (ev) => { if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); extract(); } });
  sample.addEventListener("click", () => { area.value = SAMPLE; extract(); });
  main.replaceChildren(h("h1", { text: "Try it" }), h("p", { class: "muted", text: "Paste an article and see its quotations highlighted, with a colour per speaker." }), form, out);
  if (!current()) return;
  if (area.value.trim()) extract(); else rendered();
}

route();
