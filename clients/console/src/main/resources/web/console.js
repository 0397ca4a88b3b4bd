// The command-post console page. State comes from the server as server-sent events (/api/events): a
// snapshot first, then entry / position / sent / link / roster updates, each upserted by its key. All text is
// inserted with textContent: message bodies come from the network and are never parsed as HTML.
(function () {
  "use strict";
  const PLACES = window.EMCOMM_PLACES, I18N = window.EMCOMM_I18N;
  const PRECEDENCE_RANK = {FLASH: 4, IMMEDIATE: 3, PRIORITY: 2, ROUTINE: 1};
  const SVG = "http://www.w3.org/2000/svg";
  const state = {post: null, feed: new Map(), positions: new Map(), sent: new Map(), link: null,
    roster: {health: {admin: "unreachable", problem: "", ready: null}, terminals: []}};
  let lang = localStorage.getItem("emcomm.lang") || "zh";

  const $ = (sel) => document.querySelector(sel);
  const t = (key) => (I18N[lang] && I18N[lang][key] !== undefined) ? I18N[lang][key] : key;
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  const time = (ms) => ms ? new Date(ms).toLocaleString(lang === "zh" ? "zh-CN" : "en-GB", {hour12: false}) : "";
  const clock = (ms) => ms ? new Date(ms).toLocaleTimeString("en-GB", {hour12: false}) : "";

  // ------------------------------------------------------------------ language
  function applyLanguage() {
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    document.querySelectorAll("[data-i18n]").forEach((e) => { e.textContent = t(e.dataset.i18n); });
    document.querySelectorAll("[data-i18n-placeholder]").forEach((e) => { e.placeholder = t(e.dataset.i18nPlaceholder); });
    $("#lang").textContent = lang === "zh" ? "English" : "中文";
    renderAll();
  }
  $("#lang").addEventListener("click", () => {
    lang = lang === "zh" ? "en" : "zh";
    localStorage.setItem("emcomm.lang", lang);
    applyLanguage();
  });

  function placeOf(code) {
    for (let c = code || ""; c.length >= 2; c = c.length > 6 ? c.slice(0, c.length - 3) : c.slice(0, c.length - 2)) {
      if (PLACES[c]) return {code: c, place: PLACES[c], exact: c === code};
    }
    return null;
  }

  // ------------------------------------------------------------------ header
  function renderHeader() {
    if (!state.post) return;
    $("#post-id").textContent = state.post.id;
    $("#post-region").textContent = state.post.region;
    const p = placeOf(state.post.region);
    $("#post-place").textContent = p ? p.place[lang] : "";
    $("#post-router").textContent = state.post.router;
    const link = $("#link");
    link.textContent = state.link ? t(state.link.state) : "";
    link.className = "link " + (state.link ? state.link.state : "");
    link.title = state.link && state.link.cause ? state.link.cause : "";
  }
  setInterval(() => { $("#clock").textContent = clock(Date.now()); }, 1000);

  // ------------------------------------------------------------------ feed
  function summary(e) {
    switch (e.body) {
      case "text": return e.text;
      case "alert": return [e.alert.event, e.alert.headline].filter(Boolean).join(" · ");
      case "task": return e.task.title;
      case "incident": return e.incident.type + " " + e.incident.regionCode;
      default: return e.body;
    }
  }

  function fields(container, rows) {
    const dl = el("dl", "fields");
    rows.forEach(([key, value]) => {
      if (value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0)) return;
      dl.appendChild(el("dt", null, t(key)));
      dl.appendChild(el("dd", "f-" + key, value));
    });
    container.appendChild(dl);
  }

  function areaText(a) {
    const parts = [];
    if (a.description) parts.push(a.description);
    if (a.regionCodes.length) parts.push(t("regionCodes") + " " + a.regionCodes.join(", "));
    if (a.polygon.length) parts.push(t("polygon") + " " + a.polygon.map((p) => p[0] + "," + p[1]).join("; "));
    if (a.circle) parts.push(t("circle") + " " + a.circle.lat + "," + a.circle.lon + " r=" + a.circle.radiusKm + " km");
    return parts.join(" · ");
  }

  function entryElement(e) {
    const d = el("article", "entry prec-" + e.precedence + (e.held ? " held" : ""));
    d.dataset.index = e.index;
    d.dataset.id = e.id;
    d.dataset.copies = e.copies;
    const head = el("div", "head");
    head.appendChild(el("span", "badge " + e.precedence, t(e.precedence)));
    head.appendChild(el("span", "when", clock(e.journaledAt)));
    head.appendChild(el("span", "kind", t(e.body)));
    head.appendChild(el("span", "origin", t("from") + " " + e.origin));
    head.appendChild(el("span", "dest", "→ " + e.to.join(", ")));
    if (e.copies > 1) head.appendChild(el("span", "copies", t("copies") + " " + (e.copies - 1) + " " + t("times")));
    if (e.precedence === "FLASH" && e.held !== undefined) {
      head.appendChild(el("span", e.held ? "ackstate waiting" : "ackstate done",
        e.held ? t("awaitingAck") : t("acked") + " " + clock(e.ackedAt)));
    }
    d.appendChild(head);
    const body = el("div", "body");
    switch (e.body) {
      case "text": body.appendChild(el("p", "text", e.text)); break;
      case "alert": {
        const a = e.alert;
        body.appendChild(el("p", "headline", [a.event, a.headline].filter(Boolean).join(" — ")));
        fields(body, [["urgency", a.urgency], ["severity", a.severity], ["certainty", a.certainty],
          ["expires", time(a.expires)], ["instruction", a.instruction], ["description", a.description],
          ["status", a.status], ["msgType", a.msgType], ["scope", a.scope], ["areas", a.areas.map(areaText).join(" | ")],
          ["identifier", a.identifier], ["references", a.references.join(", ")]]);
        break;
      }
      case "task": {
        body.appendChild(el("p", "headline", e.task.title));
        fields(body, [["instruction", e.task.instruction], ["due", time(e.task.dueAt)],
          ["location", e.task.location ? e.task.location.lat + "," + e.task.location.lon : ""]]);
        break;
      }
      case "incident": {
        const i = e.incident;
        body.appendChild(el("p", "headline", i.type + " · " + i.regionCode));
        fields(body, [["description", i.description], ["casualties", i.casualties || ""], ["injured", i.injured || ""],
          ["missing", i.missing || ""], ["trapped", i.trapped || ""], ["needs", i.needs.join(", ")],
          ["location", i.location ? i.location.lat + "," + i.location.lon : ""]]);
        break;
      }
      default: body.appendChild(el("p", "text", e.body));
    }
    if (e.expiresAt) body.appendChild(el("div", "expiry", t("expires") + " " + time(e.expiresAt)));
    d.appendChild(body);
    return d;
  }

  function visible(e) {
    const precs = [...document.querySelectorAll(".prec-filter:checked")].map((c) => c.value);
    if (!precs.includes(e.precedence)) return false;
    const body = $("#body-filter").value;
    if (body && e.body !== body) return false;
    const kind = $("#kind-filter").value;
    // an origin whose kind the console never learned stays visible: hiding a unit's report because it reported
    // once and left is worse than showing one message too many
    if (kind && kindOf(e.origin) && kindOf(e.origin) !== kind) return false;
    const origin = $("#origin-filter").value.trim();
    if (origin && !e.origin.startsWith(origin)) return false;
    const q = $("#text-filter").value.trim().toLowerCase();
    if (!q) return true;
    return JSON.stringify(e).toLowerCase().includes(q);
  }

  // ------------------------------------------------------------------ after-action review
  // While a review is loaded, the feed and the map show the journal's entries up to the slider's instant; the
  // FLASH banner stays live.
  let review = null; // {items, from, to, at}
  const reviewed = () => review.items.filter((e) => e.journaledAt <= review.at);
  function feedSource() {
    return review ? reviewed().filter((e) => e.body !== "position" && e.body !== "receipt") : [...state.feed.values()];
  }
  function positionSource() {
    if (!review) return state.positions;
    const latest = new Map();
    reviewed().filter((e) => e.body === "position").forEach((e) => {
      const channel = e.to.find((a) => a.startsWith("channel:positions.")) || "";
      const kind = channel.split(".").find((t) => ["air", "space", "ground", "command-post"].includes(t)) || "";
      latest.set(e.origin, Object.assign({terminal: e.origin, kind: kind, at: e.journaledAt, index: e.index}, e.position));
    });
    return latest;
  }
  const localInput = (ms) => new Date(ms - new Date(ms).getTimezoneOffset() * 60000).toISOString().slice(0, 19);
  $("#review-open").addEventListener("click", () => {
    const bar = $("#review-bar");
    bar.hidden = false;
    if (!$("#review-to").value) {
      $("#review-to").value = localInput(Date.now());
      $("#review-from").value = localInput(Date.now() - 3600000);
    }
  });
  $("#review-load").addEventListener("click", () => {
    // The inputs hold whole seconds: the window runs to the end of its last second.
    const from = new Date($("#review-from").value).getTime(), to = new Date($("#review-to").value).getTime() + 999;
    $("#review-count").textContent = t("sending");
    fetch("/api/review?from=" + from + "&to=" + to).then((r) => r.json().then((j) => [r.status, j])).then(([status, j]) => {
      if (status !== 200) { $("#review-count").textContent = j.error || ("HTTP " + status); return; }
      review = {items: j, from: from, to: to, at: to};
      const slider = $("#review-slider");
      slider.disabled = false;
      slider.value = slider.max;
      document.body.classList.add("reviewing");
      $("#review-count").textContent = j.length + " " + t("reviewItems") + " · " + t("reviewing");
      renderReview();
    });
  });
  $("#review-slider").addEventListener("input", () => {
    if (!review) return;
    const s = $("#review-slider");
    review.at = review.from + (review.to - review.from) * (s.value / s.max);
    renderReview();
  });
  $("#review-close").addEventListener("click", () => {
    review = null;
    $("#review-bar").hidden = true;
    $("#review-slider").disabled = true;
    $("#review-count").textContent = "";
    document.body.classList.remove("reviewing");
    renderFeed();
    renderMap();
  });
  function renderReview() {
    $("#review-at").textContent = time(review.at);
    renderFeed();
    renderMap();
  }

  function renderFeed() {
    const feed = $("#feed");
    feed.replaceChildren();
    feedSource().sort((a, b) => b.index - a.index).filter(visible)
      .forEach((e) => feed.appendChild(entryElement(e)));
    renderFlash();
  }
  document.querySelectorAll(".prec-filter").forEach((c) => c.addEventListener("change", renderFeed));
  $("#body-filter").addEventListener("change", renderFeed);
  $("#kind-filter").addEventListener("change", renderFeed);
  ["input", "change"].forEach((type) => {
    $("#text-filter").addEventListener(type, renderFeed);
    $("#origin-filter").addEventListener(type, renderFeed);
  });

  // ------------------------------------------------------------------ FLASH: banner, sound, acknowledge
  let audio = null;
  function renderFlash() {
    const held = [...state.feed.values()].filter((e) => e.held).sort((a, b) => a.index - b.index);
    const banner = $("#flash-banner");
    banner.hidden = held.length === 0;
    const list = $("#flash-list");
    list.replaceChildren();
    held.forEach((e) => {
      const row = el("div", "flash-item");
      row.dataset.index = e.index;
      row.appendChild(el("span", "badge FLASH", t("FLASH")));
      row.appendChild(el("span", "when", clock(e.journaledAt)));
      row.appendChild(el("span", "origin", t("from") + " " + e.origin));
      row.appendChild(el("span", "what", summary(e)));
      if (e.copies > 1) row.appendChild(el("span", "copies", t("copies") + " " + (e.copies - 1) + " " + t("times")));
      const b = el("button", "flash-ack", t("acknowledge"));
      b.type = "button";
      b.id = "ack-" + e.index;
      b.addEventListener("click", () => acknowledge(e.index, b));
      row.appendChild(b);
      list.appendChild(row);
    });
    $("#sound-hint").hidden = !(held.length && (!audio || audio.state !== "running"));
    document.title = (held.length ? "⚠ " + t("FLASH") + " · " : "") + "EmComm " + t("title");
  }

  function acknowledge(index, button) {
    button.disabled = true;
    fetch("/api/ack/" + index, {method: "POST"}).then((r) => {
      if (r.status === 204 || r.status === 404) { // 404: another page acknowledged it first
        const e = state.feed.get(String(index));
        if (e && r.status === 404) { e.held = false; renderFeed(); }
      } else {
        button.disabled = false;
      }
    }, () => { button.disabled = false; });
  }

  // WebAudio: browsers start audio only after a user gesture, so the first click anywhere enables it.
  document.addEventListener("click", () => {
    if (!audio) {
      try { audio = new (window.AudioContext || window.webkitAudioContext)(); } catch (ex) { return; }
    }
    if (audio.state !== "running") audio.resume();
    renderFlash();
  });
  function beep() {
    if (!audio || audio.state !== "running") return;
    [880, 660, 880].forEach((f, i) => {
      const o = audio.createOscillator(), g = audio.createGain();
      o.frequency.value = f;
      o.type = "square";
      g.gain.value = 0.12;
      o.connect(g).connect(audio.destination);
      const at = audio.currentTime + i * 0.22;
      o.start(at);
      o.stop(at + 0.18);
    });
  }
  setInterval(() => { if ([...state.feed.values()].some((e) => e.held)) beep(); }, 2500);

  // ------------------------------------------------------------------ map
  const HALF_SPAN = {2: 2.6, 4: 0.35, 6: 0.1, 9: 0.04, 12: 0.015}; // degrees of latitude around a region centre

  function alertAreas() {
    const areas = [];
    feedSource().forEach((e) => {
      if (e.body !== "alert") return;
      if (e.alert.expires && e.alert.expires < (review ? review.at : Date.now())) return;
      e.alert.areas.forEach((a) => areas.push({entry: e, area: a}));
    });
    return areas;
  }

  function renderMap() {
    const svg = $("#map");
    svg.replaceChildren();
    if (!state.post) return;
    const home = placeOf(state.post.region);
    const pts = [];
    const centre = home ? home.place : null;
    if (centre) {
      const h = HALF_SPAN[home.exact ? state.post.region.length : home.code.length] || 0.3;
      pts.push([centre.lat - h, centre.lon - h], [centre.lat + h, centre.lon + h]);
    }
    const positions = positionSource();
    positions.forEach((p) => pts.push([p.lat, p.lon]));
    const areas = alertAreas();
    areas.forEach(({area}) => {
      area.polygon.forEach((p) => pts.push(p));
      if (area.circle) {
        const dLat = area.circle.radiusKm / 111.32;
        pts.push([area.circle.lat - dLat, area.circle.lon - dLat], [area.circle.lat + dLat, area.circle.lon + dLat]);
      }
    });
    if (pts.length === 0) pts.push([26.3, 106.3], [27.0, 107.0]);
    let minLat = Math.min(...pts.map((p) => p[0])), maxLat = Math.max(...pts.map((p) => p[0]));
    let minLon = Math.min(...pts.map((p) => p[1])), maxLon = Math.max(...pts.map((p) => p[1]));
    const pad = Math.max(maxLat - minLat, maxLon - minLon, 0.02) * 0.08;
    minLat -= pad; maxLat += pad; minLon -= pad; maxLon += pad;
    // Equirectangular, scaled by cos(latitude) so a degree of longitude is as long as it is on the ground.
    const k = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180);
    // Widen (or heighten) the view to the box's shape, so the map fills it.
    const box = svg.clientWidth && svg.clientHeight ? svg.clientWidth / svg.clientHeight : 1.5;
    if ((maxLon - minLon) * k / (maxLat - minLat) < box) {
      const grow = ((maxLat - minLat) * box / k - (maxLon - minLon)) / 2;
      minLon -= grow; maxLon += grow;
    } else {
      const grow = ((maxLon - minLon) * k / box - (maxLat - minLat)) / 2;
      minLat -= grow; maxLat += grow;
    }
    const x = (lon) => (lon - minLon) * k, y = (lat) => maxLat - lat;
    const w = (maxLon - minLon) * k, h = maxLat - minLat;
    svg.setAttribute("viewBox", "0 0 " + w + " " + h);
    const unit = Math.min(w, h) / 70; // sizes of markers and text, relative to the map's shorter side
    const add = (tag, attrs, parent) => {
      const e = document.createElementNS(SVG, tag);
      Object.entries(attrs).forEach(([a, v]) => e.setAttribute(a, v));
      (parent || svg).appendChild(e);
      return e;
    };
    add("rect", {x: 0, y: 0, width: w, height: h, class: "sea"});
    // Graticule at a round step that gives 4-10 lines.
    const span = Math.min(maxLat - minLat, maxLon - minLon);
    const longest = Math.max(maxLat - minLat, maxLon - minLon);
    const step = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5].find((s) => longest / s <= 10) || 10;
    const label = (v) => (Math.round(v / step) * step).toFixed(step < 0.1 ? 2 : step < 1 ? 1 : 0);
    for (let lat = Math.ceil(minLat / step) * step; lat <= maxLat; lat += step) {
      add("line", {x1: 0, x2: w, y1: y(lat), y2: y(lat), class: "graticule"});
      add("text", {x: unit * 0.5, y: y(lat) - unit * 0.4, class: "grid-label", "font-size": unit * 2.2}).textContent = label(lat) + "°N";
    }
    for (let lon = Math.ceil(minLon / step) * step; lon <= maxLon; lon += step) {
      add("line", {y1: 0, y2: h, x1: x(lon), x2: x(lon), class: "graticule"});
      add("text", {x: x(lon) + unit * 0.4, y: h - unit * 0.6, class: "grid-label", "font-size": unit * 2.2}).textContent = label(lon) + "°E";
    }
    // Region centres in view, the post's own region emphasised.
    const deepest = span > 0.6 ? 4 : 6; // counties only when the view is small enough to tell them apart
    Object.entries(PLACES).forEach(([code, p]) => {
      if (p.lat < minLat || p.lat > maxLat || p.lon < minLon || p.lon > maxLon) return;
      const own = home && code === home.code;
      if (!own && code.length > deepest) return;
      const g = add("g", {class: "place" + (own ? " own" : ""), "data-code": code});
      add("rect", {x: x(p.lon) - unit * 0.6, y: y(p.lat) - unit * 0.6, width: unit * 1.2, height: unit * 1.2}, g);
      add("text", {x: x(p.lon) + unit, y: y(p.lat) + unit * 0.8, "font-size": unit * (own ? 3 : 2.4)}, g)
        .textContent = p[lang] + " " + code;
    });
    // CAP alert areas.
    areas.forEach(({entry, area}) => {
      const cls = "alert-area sev-" + (entry.alert.severity || "Unknown");
      if (area.polygon.length >= 3) {
        add("polygon", {points: area.polygon.map((p) => x(p[1]) + "," + y(p[0])).join(" "), class: cls,
          "data-index": entry.index}).appendChild(document.createElementNS(SVG, "title")).textContent = summary(entry);
      }
      if (area.circle) {
        const r = area.circle.radiusKm / 111.32;
        add("ellipse", {cx: x(area.circle.lon), cy: y(area.circle.lat), rx: r * k / Math.cos(area.circle.lat * Math.PI / 180),
          ry: r, class: cls, "data-index": entry.index}).appendChild(document.createElementNS(SVG, "title")).textContent = summary(entry);
      }
    });
    // Terminals: shape and colour by kind, faded by age.
    const now = review ? review.at : Date.now();
    positions.forEach((p) => {
      const age = now - p.at;
      const fresh = age < 120000 ? "fresh" : age < 600000 ? "recent" : "stale";
      const g = add("g", {class: "terminal " + (p.kind || "unknown") + " " + fresh, "data-terminal": p.terminal,
        "data-lat": p.lat, "data-lon": p.lon, transform: "translate(" + x(p.lon) + "," + y(p.lat) + ")"});
      const r = unit * 1.3;
      if (p.kind === "air") add("polygon", {points: `0,${-r * 1.3} ${r},${r} ${-r},${r}`}, g);
      else if (p.kind === "space") add("polygon", {points: `0,${-r * 1.3} ${r * 1.3},0 0,${r * 1.3} ${-r * 1.3},0`}, g);
      else if (p.kind === "command-post") add("rect", {x: -r, y: -r, width: 2 * r, height: 2 * r}, g);
      else add("circle", {r: r}, g);
      add("text", {x: r * 1.4, y: r * 0.5, "font-size": unit * 2.2}, g).textContent = p.terminal;
      add("title", {}, g).textContent = p.terminal + " " + t(p.kind || "") + " " + p.lat.toFixed(5) + "," +
        p.lon.toFixed(5) + " " + clock(p.at);
    });
  }
  setInterval(renderMap, 15000); // freshness fades with time
  window.addEventListener("resize", renderMap);

  // ------------------------------------------------------------------ who is there
  // The server's roster: online from the router's /status (a client learns nothing of other sessions over the
  // wire), offline = heard of by this post and not connected; last heard = latest journal time seen from it.
  function freshness(age) { return age < 120000 ? "fresh" : age < 600000 ? "recent" : "stale"; }
  function ago(ms, now) {
    const age = Math.max(0, Math.round((now - ms) / 1000));
    return (age < 120 ? age + " " + t("seconds") : Math.round(age / 60) + " " + t("minutes")) + " " + t("ago");
  }
  // The kind of a message's origin: the envelope does not carry it, the router's /status and the position
  // channels do. "" = not known.
  function kindOf(origin) {
    const r = state.roster.terminals.find((x) => x.id === origin);
    if (r && r.kind) return r.kind;
    const p = state.positions.get(origin);
    return p && p.kind ? p.kind : "";
  }
  function renderHealth() {
    const h = state.roster.health, box = $("#health");
    box.replaceChildren();
    const router = el("span", "h-router", t("healthRouter"));
    const ready = h.admin === "ok" ? (h.ready ? "true" : "false") : h.admin === "off" ? "off" : "unknown";
    router.appendChild(el("b", "ready-" + ready, ready === "true" ? t("ready") : ready === "false" ? t("notReady")
      : ready === "off" ? t("healthOff") : t("healthUnknown")));
    box.dataset.ready = ready;
    router.title = h.problem || "";
    box.appendChild(router);
    const link = state.link ? state.link.state : "";
    const l = el("span", "h-link", t("healthLink"));
    l.appendChild(el("b", "link-" + link, t(link)));
    box.appendChild(l);
    if (h.admin === "ok") {
      box.appendChild(el("span", "h-journal code", t("journalLast") + " " + h.journalLastIndex));
      box.appendChild(el("span", h.diskRefusing ? "h-disk refusing" : "h-disk", h.diskRefusing ? t("diskRefusing") : t("diskOk")));
    } else if (h.admin === "unreachable") {
      box.appendChild(el("span", "hint", t("onlineUnknown")));
    }
  }
  function renderHeard() {
    renderHealth();
    const now = Date.now();
    const table = $("#heard");
    table.replaceChildren();
    const rows = [...state.roster.terminals].sort((a, b) => (Number(b.online === true) - Number(a.online === true)) || (b.lastHeard - a.lastHeard));
    rows.forEach((h) => {
      // online is null when the router's admin endpoint is not read: presence unknown, not offline
      const presence = h.online === true ? "online" : h.online === false ? "offline" : "presenceUnknown";
      const row = el("tr", presence + " " + freshness(now - h.lastHeard));
      row.dataset.terminal = h.id;
      row.dataset.online = String(h.online);
      row.appendChild(el("td", "origin", h.id));
      row.appendChild(el("td", null, h.kind ? t(h.kind) : ""));
      row.appendChild(el("td", "presence", t(presence)));
      row.appendChild(el("td", "code", h.region));
      const heard = el("td", "code last-heard", h.lastHeard ? clock(h.lastHeard) : "");
      heard.title = t("lastHeard") + (h.online && h.connectedSince ? " · " + t("since") + " " + time(h.connectedSince) : "");
      row.appendChild(heard);
      row.appendChild(el("td", null, h.lastHeard ? ago(h.lastHeard, now) : ""));
      table.appendChild(row);
    });
    $("#heard-count").textContent = "(" + rows.filter((h) => h.online === true).length + "/" + rows.length + ")";
    const origins = $("#origins"); // suggestions for the feed's origin filter
    origins.replaceChildren();
    const ids = new Set(rows.map((h) => h.id));
    state.feed.forEach((e) => ids.add(e.origin));
    [...ids].sort().forEach((id) => { const o = el("option"); o.value = id; origins.appendChild(o); });
  }
  setInterval(renderHeard, 5000);

  // ------------------------------------------------------------------ answering
  const scheme = $("#c-scheme"), bodySel = $("#c-body");
  function composeFields() {
    $("#c-kinds").hidden = scheme.value !== "region";
    $("#c-title-row").hidden = bodySel.value === "text";
    document.querySelector(".alert-fields").hidden = bodySel.value !== "alert";
  }
  scheme.addEventListener("change", composeFields);
  bodySel.addEventListener("change", composeFields);

  function destinations() {
    const kinds = [...document.querySelectorAll(".c-kind:checked")].map((c) => c.value);
    return $("#c-to").value.split(",").map((s) => s.trim()).filter(Boolean).map((v) => {
      if (v.includes(":")) return v; // a whole address typed by hand
      return scheme.value + ":" + v + (scheme.value === "region" && kinds.length ? "/" + kinds.join("+") : "");
    });
  }
  const numbers = (s) => s.split(",").map((v) => parseFloat(v.trim()));

  $("#compose").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const msg = {body: bodySel.value, to: destinations(), precedence: $("#c-precedence").value,
      ttlMinutes: parseInt($("#c-ttl").value, 10) || 0, text: $("#c-text").value, title: $("#c-title").value};
    if (msg.body === "alert") {
      const polygon = $("#c-polygon").value.trim();
      const circle = $("#c-circle").value.trim();
      msg.alert = {event: $("#c-event").value, severity: $("#c-severity").value, urgency: $("#c-urgency").value,
        certainty: $("#c-certainty").value, instruction: $("#c-instruction").value,
        regionCodes: $("#c-areas").value.split(",").map((s) => s.trim()).filter(Boolean),
        polygon: polygon ? polygon.split(";").map(numbers) : null, circle: circle ? numbers(circle) : null};
    }
    const result = $("#send-result");
    result.className = "";
    result.textContent = t("sending");
    fetch("/api/send", {method: "POST", headers: {"Content-Type": "application/json; charset=utf-8"},
      body: JSON.stringify(msg)}).then((r) => r.json().then((j) => [r.status, j])).then(([status, j]) => {
      if (status === 200) {
        result.className = "ok";
        result.textContent = t("journaled") + " " + j.id;
        $("#c-text").value = "";
        upsertSent(j);
      } else if (j.reason) {
        result.className = "error";
        result.textContent = t("routerRefused") + t(j.reason) + (j.detail ? " (" + j.detail + ")" : "");
      } else {
        result.className = "error";
        result.textContent = j.error || ("HTTP " + status);
      }
    }, (err) => { result.className = "error"; result.textContent = String(err); });
  });

  function upsertSent(s) {
    const known = state.sent.get(s.id);
    if (!known || (s.receipts || []).length >= (known.receipts || []).length) state.sent.set(s.id, s);
    renderSent();
  }

  function renderSent() {
    const box = $("#sent");
    box.replaceChildren();
    [...state.sent.values()].sort((a, b) => b.index - a.index).forEach((s) => {
      const d = el("div", "sent prec-" + s.precedence);
      d.dataset.id = s.id;
      const head = el("div", "head");
      head.appendChild(el("span", "badge " + s.precedence, t(s.precedence)));
      head.appendChild(el("span", "when", clock(s.at)));
      head.appendChild(el("span", "kind", t(s.body)));
      head.appendChild(el("span", "dest", "→ " + s.to.join(", ")));
      head.appendChild(el("span", "msgid", s.id));
      d.appendChild(head);
      d.appendChild(el("div", "summary", s.summary));
      const receipts = el("div", "receipts");
      if (!s.receipts.length) receipts.appendChild(el("span", "none", t("noReceipts")));
      s.receipts.forEach((r) => {
        const c = el("span", "receipt " + r.status, t(r.status) + ": " + r.terminal + " " + clock(r.at));
        c.dataset.status = r.status;
        c.dataset.terminal = r.terminal;
        receipts.appendChild(c);
      });
      d.appendChild(receipts);
      box.appendChild(d);
    });
  }

  // ------------------------------------------------------------------ live updates
  function renderAll() { renderHeader(); renderFeed(); renderMap(); renderSent(); renderHeard(); }

  function connect() {
    const events = new EventSource("/api/events");
    events.addEventListener("snapshot", (m) => {
      const s = JSON.parse(m.data);
      state.post = s.post;
      state.link = s.link;
      state.feed = new Map(s.feed.map((e) => [String(e.index), e]));
      state.positions = new Map(s.positions.map((p) => [p.terminal, p]));
      state.sent = new Map(s.sent.map((x) => [x.id, x]));
      state.roster = s.roster;
      renderAll();
      document.body.dataset.ready = "true";
    });
    events.addEventListener("entry", (m) => {
      const e = JSON.parse(m.data);
      state.feed.set(String(e.index), e);
      renderFeed();
      renderHeard();
      if (e.body === "alert") renderMap();
      if (e.held && e.copies === 1) beep();
    });
    events.addEventListener("position", (m) => {
      const p = JSON.parse(m.data);
      state.positions.set(p.terminal, p);
      renderMap();
      renderHeard();
    });
    events.addEventListener("sent", (m) => upsertSent(JSON.parse(m.data)));
    events.addEventListener("link", (m) => { state.link = JSON.parse(m.data); renderHeader(); renderHealth(); });
    events.addEventListener("roster", (m) => {
      state.roster = JSON.parse(m.data);
      renderHeard();
      if ($("#kind-filter").value) renderFeed(); // kinds learnt from the router's list
    });
    events.onerror = () => {
      state.link = {state: "DISCONNECTED", cause: "console server unreachable"};
      renderHeader();
      renderHealth();
    };
  }

  composeFields();
  applyLanguage();
  connect();
})();
