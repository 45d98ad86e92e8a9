"use strict";
// Draws the plan's graph from the data embedded in the page. The layout (rust-sugiyama, in
// infinstor) places every group at its collapsed size; arrange() makes room for open groups
// by moving what lies right of and below each one, as layout.rs does for `graph -format=svg`.
(async () => {
  const holder = document.getElementById("plan-data");
  let text = holder.textContent;
  if (holder.type === "application/gzip+base64") {
    const bin = atob(text.trim());
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    text = await new Response(stream).text();
  }
  const P = JSON.parse(text);
  const G = P.groups, N = P.nodes, E = P.edges;
  const box = (r) => ({ x: r[0], y: r[1], w: r[2], h: r[3] });
  const NB = N.map((n) => box(n.r)), GB = G.map((g) => box(g.r));
  const open = G.map((g, i) => i === 0 || !g.c);
  const kids = G.map(() => []), members = G.map(() => []);
  G.forEach((g, i) => { if (g.p !== null) kids[g.p].push(i); });
  N.forEach((n, i) => members[n.g].push(i));
  const chain = G.map((g, i) => { const c = [i]; let at = i; while (G[at].p !== null) { at = G[at].p; c.unshift(at); } return c; });
  const dependents = N.map(() => []), dependencies = N.map(() => []);
  for (const [a, b] of E) { dependents[a].push(b); dependencies[b].push(a); }
  // Counts of kinds in each group, nested groups included, for collapsed boxes.
  const counts = G.map(() => ({}));
  N.forEach((n) => { for (const g of chain[n.g]) counts[g][n.k] = (counts[g][n.k] || 0) + 1; });
  const order = ["create", "update", "replace", "destroy", "read", "move", "import", "forget", "no-op", "node"];
  const countText = (g) => order.filter((k) => counts[g][k]).map((k) => counts[g][k] + " " + k).join(" · ");

  function sums(edges) {
    edges.sort((a, b) => a[0] - b[0]);
    let t = 0;
    for (const e of edges) { t += e[1]; e[1] = t; }
    return edges;
  }
  function shifter(grown) {
    const xs = [], ys = [];
    for (const [r, dw, dh] of grown) {
      if (dw !== 0) xs.push([r.x + r.w, dw]);
      if (dh !== 0) ys.push([r.y + r.h, dh]);
    }
    sums(xs); sums(ys);
    const by = (edges, at) => {
      let lo = 0, hi = edges.length;
      while (lo < hi) { const m = (lo + hi) >> 1; if (edges[m][0] <= at) lo = m + 1; else hi = m; }
      return lo === 0 ? 0 : edges[lo - 1][1];
    };
    return (r) => ({ x: r.x + by(xs, r.x), y: r.y + by(ys, r.y), w: r.w, h: r.h });
  }
  // Page boxes of nodes and groups with the open groups as they are now (layout.rs: arrange).
  function arrange() {
    const size = GB.map((r) => [r.w, r.h]);
    const shifts = G.map(() => null);
    for (let g = G.length - 1; g >= 0; g--) {
      if (!open[g]) continue;
      const shift = shifter(kids[g].map((c) => [GB[c], size[c][0] - GB[c].w, size[c][1] - GB[c].h]));
      let w = 0, h = 0;
      for (const n of members[g]) { const r = shift(NB[n]); w = Math.max(w, r.x + r.w); h = Math.max(h, r.y + r.h); }
      for (const c of kids[g]) { const r = shift(GB[c]); w = Math.max(w, r.x + size[c][0]); h = Math.max(h, r.y + size[c][1]); }
      size[g] = g === 0 ? [w, h] : [Math.max(w + 2 * P.pad, GB[g].w), h + P.head + P.pad];
      shifts[g] = shift;
    }
    const nodes = N.map(() => null), groups = G.map(() => null);
    groups[0] = { x: 0, y: 0, w: size[0][0], h: size[0][1] };
    for (let g = 0; g < G.length; g++) {
      const at = groups[g], shift = shifts[g];
      if (!at || !shift) continue;
      const ox = g === 0 ? at.x : at.x + P.pad, oy = g === 0 ? at.y : at.y + P.head;
      for (const n of members[g]) { const r = shift(NB[n]); nodes[n] = { x: ox + r.x, y: oy + r.y, w: r.w, h: r.h }; }
      for (const c of kids[g]) { const r = shift(GB[c]); groups[c] = { x: ox + r.x, y: oy + r.y, w: size[c][0], h: size[c][1] }; }
    }
    return [nodes, groups];
  }

  const svg = document.getElementById("graph");
  const details = document.getElementById("details");
  const search = document.getElementById("search");
  const matchesOut = document.getElementById("matches");
  let zoom = 1, selected = -1, matches = [], matchAt = -1, dragged = new Set();
  const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  const f = (v) => Math.round(v * 10) / 10;
  // The box a node is drawn in: its own, or that of the outermost closed group holding it.
  const shownAs = (n) => { for (const g of chain[N[n].g]) if (!open[g]) return "g" + g; return "n" + n; };
  // An edge between a resource's instances and something outside them is drawn once, to the
  // box of all its instances: they share their dependencies.
  const endpoint = (n, other) => {
    const s = shownAs(n), g = N[n].g;
    return s[0] === "n" && !G[g].m && N[other].g !== g ? "g" + g : s;
  };
  function path(a, b) {
    if (b.y >= a.y + a.h) {
      const x1 = a.x + a.w / 2, y1 = a.y + a.h, x2 = b.x + b.w / 2, y2 = b.y, m = (y1 + y2) / 2;
      return `M${f(x1)} ${f(y1)}C${f(x1)} ${f(m)} ${f(x2)} ${f(m)} ${f(x2)} ${f(y2)}`;
    }
    const x1 = a.x + a.w, y1 = a.y + a.h / 2, x2 = b.x, y2 = b.y + b.h / 2, m = (x1 + x2) / 2;
    return `M${f(x1)} ${f(y1)}C${f(m)} ${f(y1)} ${f(m)} ${f(y2)} ${f(x2)} ${f(y2)}`;
  }

  function draw() {
    const [nb, gb] = arrange();
    const matched = new Set(matches);
    const groupMatched = new Set();
    for (const n of matches) { const s = shownAs(n); if (s[0] === "g") groupMatched.add(+s.slice(1)); }
    const out = [];
    for (let g = 1; g < G.length; g++) {
      const r = gb[g];
      if (!r || !open[g]) continue;
      out.push(`<g class="group" id="group-${g}"><rect x="${f(r.x)}" y="${f(r.y)}" width="${f(r.w)}" height="${f(r.h)}" rx="6"/>` +
        `<g class="group-head" data-group="${g}" tabindex="0" aria-expanded="true"><rect class="head" x="${f(r.x)}" y="${f(r.y)}" width="${f(r.w)}" height="${P.head - 6}"/>` +
        `<text x="${f(r.x + 8)}" y="${f(r.y + 17)}">▾ ${esc(G[g].l)}</text></g></g>`);
    }
    const seen = new Map();
    for (const [a, b, replaced] of E) {
      const sa = endpoint(a, b), sb = endpoint(b, a);
      if (sa === sb) continue;
      const key = sa + ">" + sb;
      const near = selected === a || selected === b;
      const prev = seen.get(key) || [0, false];
      seen.set(key, [prev[0] | replaced, prev[1] || near]);
    }
    const boxOf = (s) => (s[0] === "g" ? gb[+s.slice(1)] : nb[+s.slice(1)]);
    for (const [key, [replaced, near]] of seen) {
      const [sa, sb] = key.split(">");
      const a = boxOf(sa), b = boxOf(sb);
      if (!a || !b) continue;
      out.push(`<path class="edge${replaced ? " replaced" : ""}${near ? " near" : ""}" d="${path(a, b)}"/>`);
    }
    for (let g = 1; g < G.length; g++) {
      const r = gb[g];
      if (!r || open[g]) continue;
      out.push(`<g class="folded${groupMatched.has(g) ? " match" : ""}" id="group-${g}" data-group="${g}" tabindex="0" aria-expanded="false">` +
        `<title>${esc(G[g].a)}</title><rect x="${f(r.x)}" y="${f(r.y)}" width="${f(r.w)}" height="${f(r.h)}" rx="6"/>` +
        `<text x="${f(r.x + 8)}" y="${f(r.y + 18)}">▸ ${esc(G[g].l)}</text><text class="counts" x="${f(r.x + 8)}" y="${f(r.y + 36)}">${esc(countText(g))}</text></g>`);
    }
    for (let n = 0; n < N.length; n++) {
      const r = nb[n];
      if (!r) continue;
      const cls = "node " + N[n].k + (n === selected ? " selected" : "") + (dragged.has(n) ? " dragged" : "") + (matched.has(n) ? " match" : "");
      out.push(`<g class="${cls}" id="node-${n}" data-node="${n}" tabindex="0"><title>${esc(N[n].a)}</title>` +
        `<rect x="${f(r.x)}" y="${f(r.y)}" width="${f(r.w)}" height="${f(r.h)}" rx="4"/>` +
        `<text x="${f(r.x + 10)}" y="${f(r.y + r.h * 0.65)}">${esc(N[n].l)}</text></g>`);
    }
    const W = gb[0].w + 32, H = gb[0].h + 32;
    svg.setAttribute("viewBox", `-16 -16 ${f(W)} ${f(H)}`);
    svg.setAttribute("width", f(W * zoom));
    svg.setAttribute("height", f(H * zoom));
    svg.innerHTML = out.join("");
  }

  function openTo(n) { for (const g of chain[N[n].g]) open[g] = true; }
  function downstream(n) {
    const seen = new Set(), stack = [n];
    while (stack.length) for (const d of dependents[stack.pop()]) if (!seen.has(d)) { seen.add(d); stack.push(d); }
    return seen;
  }
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    for (const c of children) e.append(c);
    return e;
  }
  function nodeList(title, list) {
    if (!list.length) return [];
    const ul = el("ul");
    for (const m of list) {
      const b = el("button", { type: "button", class: "link", "data-node": String(m) }, N[m].a);
      ul.append(el("li", {}, b, " (" + N[m].k + ")"));
    }
    return [el("h3", {}, title + " (" + list.length + ")"), ul];
  }
  function showDetails(n) {
    const node = N[n];
    details.replaceChildren();
    details.append(el("h2", {}, node.a, el("span", { class: "kind node " + node.k }, node.k)));
    if (node.y) { const ul = el("ul", { class: "reasons" }); for (const r of node.y) ul.append(el("li", {}, r)); details.append(el("h3", {}, "Why"), ul); }
    const found = P.findings.filter((x) => x.n === n);
    if (found.length) { const ul = el("ul"); for (const x of found) ul.append(el("li", {}, x.m + " " + x.t)); details.append(el("h3", {}, "Access review"), ul); }
    details.append(el("pre", { class: "diff" }, node.d || "No change."));
    if (node.k === "replace" || node.k === "destroy") {
      details.append(...nodeList("Replacing or destroying it affects", [...downstream(n)].sort((a, b) => a - b)));
    }
    details.append(...nodeList("Depends on", dependencies[n]), ...nodeList("Required by", dependents[n]));
  }
  function select(n, focus) {
    openTo(n);
    selected = n;
    dragged = N[n].k === "replace" || N[n].k === "destroy" ? downstream(n) : new Set();
    draw();
    showDetails(n);
    // A page opened where history is not allowed (a sandboxed frame) still works.
    try { history.replaceState(null, "", "#node-" + n); } catch (_) { /* the address stays */ }
    const e = document.getElementById("node-" + n);
    if (e) { e.scrollIntoView({ block: "center", inline: "center" }); if (focus) e.focus({ preventScroll: true }); }
  }
  function toggle(g) {
    open[g] = !open[g];
    draw();
    const e = document.getElementById("group-" + g);
    const target = e && (e.querySelector("[data-group]") || e);
    if (target) target.focus({ preventScroll: true });
  }
  function find(q) {
    q = q.trim().toLowerCase();
    matches = q ? N.map((n, i) => [n.a.toLowerCase().includes(q), i]).filter((m) => m[0]).map((m) => m[1]) : [];
    matchAt = -1;
    matchesOut.textContent = q ? matches.length + (matches.length === 1 ? " match" : " matches") : "";
    draw();
  }

  svg.addEventListener("click", (ev) => {
    const t = ev.target.closest("[data-node],[data-group]");
    if (!t) return;
    if (t.dataset.node !== undefined) select(+t.dataset.node, true); else toggle(+t.dataset.group);
  });
  svg.addEventListener("keydown", (ev) => {
    if (ev.key !== "Enter" && ev.key !== " ") return;
    const t = ev.target.closest("[data-node],[data-group]");
    if (!t) return;
    ev.preventDefault();
    if (t.dataset.node !== undefined) select(+t.dataset.node, true); else toggle(+t.dataset.group);
  });
  document.querySelector("aside").addEventListener("click", (ev) => {
    const t = ev.target.closest("[data-node]");
    if (!t) return;
    ev.preventDefault();
    select(+t.dataset.node, false);
  });
  search.addEventListener("input", () => find(search.value));
  search.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && matches.length) {
      ev.preventDefault();
      matchAt = (matchAt + (ev.shiftKey ? matches.length - 1 : 1)) % matches.length;
      select(matches[matchAt], false);
      matchesOut.textContent = (matchAt + 1) + " of " + matches.length;
    } else if (ev.key === "Escape") { search.value = ""; find(""); search.blur(); }
  });
  const changes = N.map((n, i) => [n.k, i]).filter((x) => x[0] !== "no-op").map((x) => x[1]);
  document.addEventListener("keydown", (ev) => {
    if (ev.target === search || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const list = changes.length ? changes : N.map((_, i) => i);
    if (ev.key === "/") { ev.preventDefault(); search.focus(); }
    else if (ev.key === "Escape") { selected = -1; dragged = new Set(); draw(); }
    else if ((ev.key === "j" || ev.key === "k") && list.length) {
      const at = list.indexOf(selected);
      const next = ev.key === "j" ? (at + 1) % list.length : (at <= 0 ? list.length - 1 : at - 1);
      select(list[next], true);
    }
  });
  document.getElementById("expand-all").addEventListener("click", () => { open.fill(true); draw(); });
  document.getElementById("collapse-all").addEventListener("click", () => { open.fill(false); open[0] = true; draw(); });
  document.getElementById("zoom-in").addEventListener("click", () => { zoom = Math.min(zoom * 1.25, 4); draw(); });
  document.getElementById("zoom-out").addEventListener("click", () => { zoom = Math.max(zoom / 1.25, 0.1); draw(); });

  draw();
  const m = /^#node-(\d+)$/.exec(location.hash);
  if (m && +m[1] < N.length) select(+m[1], false);
  document.body.dataset.ready = "true";
})().catch((e) => {
  document.getElementById("details").textContent = "The page could not draw the plan: " + e;
  throw e;
});
