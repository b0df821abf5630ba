"use strict";
// Comet dashboard: plain JS over /api (see /api/openapi.yaml); no dependencies, works offline.
const $ = (s, r = document) => r.querySelector(s);
const esc = v => String(v ?? "").replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})[c]);
const enc = encodeURIComponent;
const main = $("#main");
let auth = sessionStorage.getItem("comet-auth");
let timer = null;

async function api(method, path, body) {
  const headers = {"X-Requested-With": "comet-dashboard"};
  if (auth) headers.Authorization = "Basic " + auth;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const r = await fetch("/api/" + path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
  if (r.status === 401) { showLogin(); throw new Error("sign in first"); }
  const text = await r.text();
  let data; try { data = text ? JSON.parse(text) : null; } catch { data = text; }
  if (!r.ok) throw new Error((data && data.error) || text || r.statusText);
  return data;
}
const get = p => api("GET", p);

function table(rows, cols) {
  if (!rows || !rows.length) return '<p class="muted">none</p>';
  return "<table><tr>" + cols.map(c => `<th${c[2] ? ' class="num"' : ""}>${esc(c[0])}</th>`).join("") + "</tr>" +
    rows.map(r => "<tr>" + cols.map(c => {
      const v = typeof c[1] === "function" ? c[1](r) : esc(r[c[1]]);
      return `<td${c[2] ? ' class="num"' : ""}>${v}</td>`;
    }).join("") + "</tr>").join("") + "</table>";
}
function card(title, html, id) { return `<section class="card"${id ? ` id="${id}"` : ""}><h2>${esc(title)}</h2>${html}</section>`; }
function fail(where, e) { (typeof where === "string" ? $(where) : where).innerHTML = `<p class="error">${esc(e.message)}</p>`; }
function confirmed(what) { return window.confirm(what + "\n\nThis cannot be undone. Continue?"); }
const time = ms => ms > 0 ? new Date(ms).toLocaleString() : "—";

function showLogin() {
  $("#login").hidden = false; main.hidden = true;
}
$("#login").addEventListener("submit", async ev => {
  ev.preventDefault();
  auth = btoa($("#login-ak").value + ":" + $("#login-sk").value);
  try { await get("cluster"); sessionStorage.setItem("comet-auth", auth); $("#login").hidden = true; main.hidden = false; route(); }
  catch (e) { $("#login-error").textContent = e.message; }
});

// Overview: brokers, totals, live in/out TPS from the brokers' cumulative counters.
const series = {at: [], inTps: [], outTps: [], last: null};
async function overview() {
  main.innerHTML = `<div class="cards" id="stats"></div>` +
    card("Messages per second", `<div class="legend"><span class="in">■ in</span><span class="out">■ out</span><span id="tps-now"></span></div><canvas id="tps" width="1100" height="220"></canvas>`) +
    card("Brokers", "", "brokers");
  const tick = async () => {
    try {
      const o = await get("overview");
      const put = o.brokers.reduce((s, b) => s + b.putTodayNow, 0), got = o.brokers.reduce((s, b) => s + b.getTodayNow, 0);
      const now = Date.now();
      if (series.last) {
        const dt = (now - series.last.at) / 1000;
        series.at.push(now); series.inTps.push(Math.max(0, (put - series.last.put) / dt)); series.outTps.push(Math.max(0, (got - series.last.got) / dt));
        for (const k of ["at", "inTps", "outTps"]) if (series[k].length > 90) series[k].shift();
      }
      series.last = {at: now, put, got};
      $("#stats").innerHTML = [["Brokers", o.brokers.length, "stat-brokers"], ["Topics", o.topics, "stat-topics"], ["Consumer groups", o.groups, "stat-groups"],
        ["Messages in today", put, "stat-in"], ["Messages out today", got, "stat-out"]]
        .map(([k, v, id]) => `<div class="card stat"><span class="muted">${k}</span><b id="${id}">${v}</b></div>`).join("");
      $("#brokers").innerHTML = "<h2>Brokers</h2>" + table(o.brokers, [["Cluster", "cluster"], ["Broker", "brokerName"], ["Id", "brokerId"], ["Address", "address"],
        ["Version", "version"], ["In TPS", "inTps", 1], ["Out TPS", "outTps", 1], ["Disk used", "commitLogDiskRatio", 1]]);
      const n = series.inTps.length;
      $("#tps-now").textContent = n ? `now: ${series.inTps[n - 1].toFixed(1)} in, ${series.outTps[n - 1].toFixed(1)} out` : "";
      draw($("#tps"));
    } catch (e) { fail("#stats", e); }
  };
  await tick();
  timer = setInterval(tick, 2000);
}
function draw(canvas) {
  const g = canvas.getContext("2d"), w = canvas.width, h = canvas.height;
  g.clearRect(0, 0, w, h);
  const max = Math.max(1, ...series.inTps, ...series.outTps);
  g.strokeStyle = "#eef1f6"; g.fillStyle = "#6b7487"; g.font = "12px sans-serif";
  for (let i = 0; i <= 4; i++) { const y = 10 + (h - 30) * i / 4; g.beginPath(); g.moveTo(40, y); g.lineTo(w, y); g.stroke(); g.fillText((max * (4 - i) / 4).toFixed(max < 10 ? 1 : 0), 0, y + 4); }
  for (const [k, color] of [["inTps", "#3d6fd8"], ["outTps", "#e07b24"]]) {
    g.strokeStyle = color; g.lineWidth = 2; g.beginPath();
    series[k].forEach((v, i) => { const x = 40 + (w - 40) * i / 89, y = 10 + (h - 30) * (1 - v / max); i ? g.lineTo(x, y) : g.moveTo(x, y); });
    g.stroke();
  }
}

async function cluster() {
  main.innerHTML = card("Brokers", "", "cluster") + `<div id="runtime"></div>`;
  try {
    const brokers = await get("cluster");
    $("#cluster").innerHTML = "<h2>Brokers</h2>" + table(brokers, [["Cluster", "cluster"], ["Broker", "brokerName"], ["Id", "brokerId"],
      ["Address", b => `<button class="link" data-runtime="${esc(b.address)}">${esc(b.address)}</button>`], ["Version", "version"],
      ["Put today", "putTodayNow", 1], ["Get today", "getTodayNow", 1], ["Put yesterday", "putYesterday", 1], ["Get yesterday", "getYesterday", 1]]);
    main.querySelectorAll("[data-runtime]").forEach(b => b.onclick = () => runtime(b.dataset.runtime));
    if (brokers[0]) runtime(brokers[0].address);
  } catch (e) { fail("#cluster", e); }
}
async function runtime(address) {
  try {
    const info = await get(`brokers/${enc(address)}/runtime`);
    $("#runtime").innerHTML = card("Runtime of " + address, table(Object.keys(info).sort().map(k => ({k, v: info[k]})), [["Key", "k"], ["Value", "v"]]));
  } catch (e) { fail("#runtime", e); }
}

async function topics() {
  main.innerHTML = card("Create or update a topic", `<form id="topic-form"><label>Topic <input id="topic-name" required></label>
    <label>Read queues <input id="topic-read" type="number" value="8" min="1" max="1024"></label>
    <label>Write queues <input id="topic-write" type="number" value="8" min="1" max="1024"></label>
    <label><input id="topic-order" type="checkbox"> ordered</label> <button id="topic-create">Save</button> <span id="topic-result"></span></form>`) +
    card("Topics", `<label>Filter <input id="topic-filter"></label> <label><input id="topic-system" type="checkbox"> system topics</label><div id="topic-list"></div>`) +
    `<div id="topic-detail"></div>`;
  $("#topic-form").onsubmit = async ev => {
    ev.preventDefault();
    try {
      const r = await api("POST", "topics", {topic: $("#topic-name").value.trim(), readQueues: +$("#topic-read").value, writeQueues: +$("#topic-write").value, order: $("#topic-order").checked});
      $("#topic-result").innerHTML = `<span class="ok">saved on ${esc(r.brokers.join(", "))}</span>`; list();
    } catch (e) { fail("#topic-result", e); }
  };
  let all = [];
  const system = t => /^(%RETRY%|%DLQ%|rmq_sys_|RMQ_SYS_|SCHEDULE_TOPIC|TBW102$|SELF_TEST_TOPIC$|OFFSET_MOVED_EVENT$|TRANS_CHECK_MAX_TIME_TOPIC$)/.test(t) || /_REPLY_TOPIC$|^DefaultCluster$|^broker-/.test(t);
  const render = () => {
    const f = $("#topic-filter").value.toLowerCase(), sys = $("#topic-system").checked;
    const rows = all.filter(t => t.toLowerCase().includes(f) && (sys || !system(t))).map(t => ({t}));
    $("#topic-list").innerHTML = table(rows, [["Topic", r => `<button class="link" data-topic="${esc(r.t)}">${esc(r.t)}</button>`]]);
    main.querySelectorAll("[data-topic]").forEach(b => b.onclick = () => topic(b.dataset.topic));
  };
  const list = async () => { try { all = await get("topics"); render(); } catch (e) { fail("#topic-list", e); } };
  $("#topic-filter").oninput = render; $("#topic-system").onchange = render;
  await list();
  const wanted = new URLSearchParams(location.hash.split("?")[1]).get("topic");
  if (wanted) topic(wanted);
}
async function topic(name) {
  const d = $("#topic-detail");
  d.innerHTML = `<section class="card" id="topic-view"><h2>Topic ${esc(name)}</h2><div id="topic-status"></div><h3>Route</h3><div id="topic-route"></div>
    <h3>Consumer groups</h3><div id="topic-groups"></div>
    <h3>Send a test message</h3><form id="send-form"><label>Body <input id="send-body" size="40" required></label><label>Tags <input id="send-tags"></label>
    <label>Keys <input id="send-keys" placeholder="space separated"></label> <button id="send-submit">Send</button> <span id="send-result"></span></form>
    <p><button class="danger" id="topic-delete">Delete topic</button></p></section>`;
  $("#send-form").onsubmit = async ev => {
    ev.preventDefault();
    try {
      const keys = $("#send-keys").value.split(" ").filter(Boolean);
      const r = await api("POST", `topics/${enc(name)}/messages`, {body: $("#send-body").value, tags: $("#send-tags").value || undefined, keys});
      $("#send-result").innerHTML = `<span class="ok">sent: ${esc(r.messageId)} → ${esc(r.brokerName)}:${r.queueId} offset ${r.queueOffset}</span>`;
      status();
    } catch (e) { fail("#send-result", e); }
  };
  $("#topic-delete").onclick = async () => {
    if (!confirmed(`Delete topic ${name} from every broker and name server?`)) return;
    try { await api("DELETE", `topics/${enc(name)}`); d.innerHTML = card("Deleted", `<p class="ok">topic ${esc(name)} deleted</p>`); topics(); }
    catch (e) { fail("#topic-status", e); }
  };
  const status = async () => {
    try { $("#topic-status").innerHTML = table(await get(`topics/${enc(name)}/status`), [["Broker", "brokerName"], ["Queue", "queueId", 1], ["Min offset", "minOffset", 1], ["Max offset", "maxOffset", 1]]); }
    catch (e) { fail("#topic-status", e); }
  };
  status();
  try {
    const r = await get(`topics/${enc(name)}/route`);
    $("#topic-route").innerHTML = table(r.queues, [["Broker", "brokerName"], ["Read queues", "readQueues", 1], ["Write queues", "writeQueues", 1], ["Perm", "perm", 1]]);
  } catch (e) { fail("#topic-route", e); }
  try {
    const g = await get(`topics/${enc(name)}/groups`);
    $("#topic-groups").innerHTML = table(g.map(x => ({x})), [["Group", r => `<a href="#/groups?group=${enc(r.x)}">${esc(r.x)}</a>`]]);
  } catch (e) { fail("#topic-groups", e); }
}

async function groups() {
  main.innerHTML = card("Create or update a consumer group", `<form id="group-form"><label>Group <input id="group-name" required></label>
    <label>Max retries <input id="group-retries" type="number" value="16" min="0"></label> <button>Save</button> <span id="group-result"></span></form>`) +
    card("Consumer groups", `<label>Filter <input id="group-filter"></label><div id="group-list"></div>`) + `<div id="group-detail"></div>`;
  $("#group-form").onsubmit = async ev => {
    ev.preventDefault();
    try { await api("POST", "groups", {group: $("#group-name").value.trim(), retryMaxTimes: +$("#group-retries").value}); $("#group-result").innerHTML = '<span class="ok">saved</span>'; list(); }
    catch (e) { fail("#group-result", e); }
  };
  let all = [];
  const render = () => {
    const f = $("#group-filter").value.toLowerCase();
    $("#group-list").innerHTML = table(all.filter(g => g.group.toLowerCase().includes(f)), [["Group", g => `<button class="link" data-group="${esc(g.group)}">${esc(g.group)}</button>`],
      ["Consume", g => g.consumeEnable ? "on" : "off"], ["Orderly", g => g.consumeMessageOrderly ? "yes" : "no"], ["Max retries", "retryMaxTimes", 1], ["Brokers", g => esc(g.brokers.join(", "))]]);
    main.querySelectorAll("[data-group]").forEach(b => b.onclick = () => group(b.dataset.group));
  };
  const list = async () => { try { all = await get("groups"); render(); } catch (e) { fail("#group-list", e); } };
  $("#group-filter").oninput = render;
  await list();
  const wanted = new URLSearchParams(location.hash.split("?")[1]).get("group");
  if (wanted) group(wanted);
}
async function group(name) {
  const d = $("#group-detail");
  d.innerHTML = `<section class="card" id="group-view"><h2>Group ${esc(name)}</h2><p>Total lag: <b id="group-lag">…</b></p><div id="group-progress"></div>
    <h3>Connections</h3><div id="group-connections"></div>
    <h3>Reset offset</h3><form id="reset-form"><label>Topic <input id="reset-topic" required></label>
    <label>To time <input id="reset-time" type="datetime-local" step="1"></label> <label><input id="reset-end" type="checkbox"> to the end</label>
    <button id="reset-submit">Reset</button> <span id="reset-result"></span></form>
    <p><button class="danger" id="group-delete">Delete group</button></p></section>`;
  const progress = async () => {
    try {
      const rows = await get(`groups/${enc(name)}/progress`);
      $("#group-lag").textContent = rows.reduce((s, r) => s + r.diff, 0);
      if (rows[0] && !$("#reset-topic").value) $("#reset-topic").value = rows.find(r => !r.topic.startsWith("%RETRY%"))?.topic || rows[0].topic;
      $("#group-progress").innerHTML = table(rows, [["Topic", "topic"], ["Broker", "brokerName"], ["Queue", "queueId", 1], ["Broker offset", "brokerOffset", 1],
        ["Consumer offset", "consumerOffset", 1], ["Lag", "diff", 1], ["Last consumed", r => time(r.lastTimestamp)]]);
    } catch (e) { fail("#group-progress", e); }
  };
  await progress();
  timer = setInterval(progress, 2000);
  try {
    const m = await get(`groups/${enc(name)}/connections`);
    $("#group-connections").innerHTML = `<p class="muted">${esc(m.consumeType)} · ${esc(m.messageModel)} · ${esc(m.consumeFromWhere)}</p>` +
      table(m.connections, [["Client id", "clientId"], ["Address", "clientAddr"], ["Language", "language"], ["Version", "version", 1]]) +
      table(Object.keys(m.subscriptions).map(t => ({t, e: m.subscriptions[t]})), [["Topic", "t"], ["Expression", "e"]]);
  } catch (e) { $("#group-connections").innerHTML = `<p class="muted">${esc(e.message)}</p>`; }
  $("#reset-form").onsubmit = async ev => {
    ev.preventDefault();
    const end = $("#reset-end").checked, at = end ? -1 : new Date($("#reset-time").value).getTime();
    if (!end && !(at > 0)) return fail("#reset-result", new Error("pick a time, or 'to the end'"));
    if (!confirmed(`Reset ${name} on ${$("#reset-topic").value} to ${end ? "the end" : new Date(at).toLocaleString()}?`)) return;
    try { const r = await api("POST", `groups/${enc(name)}/reset-offset`, {topic: $("#reset-topic").value, timestamp: at}); $("#reset-result").innerHTML = `<span class="ok">${r.count} queues reset</span>`; progress(); }
    catch (e) { fail("#reset-result", e); }
  };
  $("#group-delete").onclick = async () => {
    if (!confirmed(`Delete consumer group ${name} and its offsets?`)) return;
    try { await api("DELETE", `groups/${enc(name)}?removeOffsets=true`); clearInterval(timer); d.innerHTML = card("Deleted", `<p class="ok">group ${esc(name)} deleted</p>`); groups(); }
    catch (e) { fail("#group-progress", e); }
  };
}

async function producers() {
  main.innerHTML = card("Producer connections", `<form id="producer-form"><label>Producer group <input id="producer-group" required></label> <button>Show</button></form><div id="producer-list"></div>`);
  $("#producer-form").onsubmit = async ev => {
    ev.preventDefault();
    try { $("#producer-list").innerHTML = table(await get(`producers/${enc($("#producer-group").value)}`), [["Client id", "clientId"], ["Address", "clientAddr"], ["Language", "language"], ["Version", "version", 1]]); }
    catch (e) { fail("#producer-list", e); }
  };
}

async function messages() {
  const hour = new Date(Date.now() - 3600e3), local = d => new Date(d - d.getTimezoneOffset() * 60e3).toISOString().slice(0, 19);
  main.innerHTML = card("Search messages", `<form id="search-form">
    <label>By <select id="search-by"><option value="key">topic + key</option><option value="uniqueKey">topic + message id (UNIQ_KEY)</option>
    <option value="time">topic + time range</option><option value="id">offset message id</option></select></label>
    <label>Topic <input id="search-topic"></label> <label>Key / id <input id="search-key"></label>
    <label>From <input id="search-begin" type="datetime-local" step="1" value="${local(hour)}"></label>
    <label>To <input id="search-end" type="datetime-local" step="1" value="${local(new Date(Date.now() + 60e3))}"></label>
    <button id="search-submit">Search</button></form>`) + card("Results", "", "search-results") + `<div id="message-detail"></div>`;
  $("#search-form").onsubmit = async ev => {
    ev.preventDefault();
    const by = $("#search-by").value, topic = enc($("#search-topic").value), key = enc($("#search-key").value);
    const q = by === "id" ? `id=${key}` : by === "time" ? `topic=${topic}&begin=${new Date($("#search-begin").value).getTime()}&end=${new Date($("#search-end").value).getTime()}` : `topic=${topic}&${by}=${key}`;
    try {
      const rows = await get("messages?" + q);
      $("#search-results").innerHTML = "<h2>Results</h2>" + table(rows, [["Message", m => `<button class="link" data-id="${esc(m.offsetMessageId)}">${esc(m.uniqueKey || m.offsetMessageId)}</button>`],
        ["Topic", "topic"], ["Tags", "tags"], ["Keys", m => esc(m.keys.join(" "))], ["Queue", m => `${esc(m.brokerName || "")}:${m.queueId}@${m.queueOffset}`], ["Stored", m => time(m.storeTimestamp)],
        ["Body", m => esc(m.body.slice(0, 80))]]);
      main.querySelectorAll("[data-id]").forEach(b => b.onclick = () => message(b.dataset.id));
    } catch (e) { fail("#search-results", e); }
  };
}
async function message(id) {
  const d = $("#message-detail");
  try {
    const t = await get(`messages/${enc(id)}/trace`), m = t.message;
    d.innerHTML = card("Message " + (m.uniqueKey || id), `<table id="message-fields">${[["Topic", m.topic], ["Offset message id", m.offsetMessageId], ["Producer id (UNIQ_KEY)", m.uniqueKey],
      ["Tags", m.tags], ["Keys", m.keys.join(" ")], ["Stored on", `${m.brokerName || ""} queue ${m.queueId} offset ${m.queueOffset}`], ["Born", `${time(m.bornTimestamp)} from ${m.bornHost}`],
      ["Stored", `${time(m.storeTimestamp)} at ${m.storeHost}`], ["Reconsumed", m.reconsumeTimes]].map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join("")}</table>
      <h3>Body</h3><pre id="message-body">${esc(m.body)}</pre><h3>Properties</h3>${table(Object.keys(m.properties).sort().map(k => ({k, v: m.properties[k]})), [["Name", "k"], ["Value", "v"]])}
      <h3>Trace</h3><p>stored on ${esc(m.brokerName || m.storeHost)}; consumer groups of ${esc(m.topic)}:</p><div id="message-trace">${table(t.deliveries, [["Group", "group"], ["Consumed", r => r.consumed ? '<span class="ok">yes</span>' : "not yet"], ["Group offset", "consumerOffset", 1]])}</div>
      <h3>Resend to a consumer</h3><form id="resend-form"><label>Group <input id="resend-group" required></label><label>Client id <input id="resend-client" placeholder="any live member"></label>
      <button>Resend</button> <span id="resend-result"></span></form>`);
    $("#resend-form").onsubmit = async ev => {
      ev.preventDefault();
      try { const r = await api("POST", `messages/${enc(id)}/resend`, {group: $("#resend-group").value, clientId: $("#resend-client").value || undefined}); $("#resend-result").innerHTML = r.map(x => `<span class="ok">${esc(x.clientId)}: ${esc(x.result)}</span>`).join("<br>"); }
      catch (e) { fail("#resend-result", e); }
    };
  } catch (e) { fail(d, e); }
}

async function dlq() {
  main.innerHTML = card("Dead letters", `<form id="dlq-form"><label>Consumer group <input id="dlq-group" required></label> <button id="dlq-show">Show</button></form><div id="dlq-list"></div>`);
  const show = async () => {
    const group = $("#dlq-group").value;
    try {
      const rows = await get(`dlq/${enc(group)}`);
      $("#dlq-list").innerHTML = table(rows, [["Message id", "messageId"], ["Original topic", "originalTopic"], ["Retries", "reconsumeTimes", 1], ["Offset", "queueOffset", 1],
        ["Keys", r => esc(r.keys.join(" "))], ["Body", r => esc(r.body.slice(0, 80))]]) + (rows.length ? `<p><button id="dlq-resend">Resend all to their topics</button> <span id="dlq-result"></span></p>` : "");
      if (rows.length) $("#dlq-resend").onclick = async () => {
        if (!confirmed(`Send the ${rows.length} dead letters of ${group} (not re-sent before) back to their topics?`)) return;
        try { const r = await api("POST", `dlq/${enc(group)}/resend`); $("#dlq-result").innerHTML = `<span class="ok">${r.count} re-sent</span>`; }
        catch (e) { fail("#dlq-result", e); }
      };
    } catch (e) { fail("#dlq-list", e); }
  };
  $("#dlq-form").onsubmit = ev => { ev.preventDefault(); show(); };
  const wanted = new URLSearchParams(location.hash.split("?")[1]).get("group");
  if (wanted) { $("#dlq-group").value = wanted; show(); }
}

async function config() {
  main.innerHTML = card("Broker config", `<label>Broker <select id="config-broker"></select></label>
    <form id="config-form"><label>Key <input id="config-key" required></label><label>Value <input id="config-value"></label> <button>Update</button> <span id="config-result"></span></form>
    <label>Filter <input id="config-filter"></label><div id="config-list"></div>`);
  let rows = [];
  const render = () => { const f = $("#config-filter").value.toLowerCase(); $("#config-list").innerHTML = table(rows.filter(r => r.key.toLowerCase().includes(f)), [["Key", "key"], ["Value", "value"]]); };
  const load = async () => { try { rows = await get(`brokers/${enc($("#config-broker").value)}/config`); render(); } catch (e) { fail("#config-list", e); } };
  try {
    const brokers = await get("cluster");
    $("#config-broker").innerHTML = brokers.map(b => `<option value="${esc(b.address)}">${esc(b.brokerName)} (${esc(b.address)})</option>`).join("");
    await load();
  } catch (e) { fail("#config-list", e); }
  $("#config-broker").onchange = load; $("#config-filter").oninput = render;
  $("#config-form").onsubmit = async ev => {
    ev.preventDefault();
    if (!confirmed(`Set ${$("#config-key").value}=${$("#config-value").value} on ${$("#config-broker").value}?`)) return;
    try { await api("PUT", `brokers/${enc($("#config-broker").value)}/config`, {key: $("#config-key").value, value: $("#config-value").value}); $("#config-result").innerHTML = '<span class="ok">updated</span>'; load(); }
    catch (e) { fail("#config-result", e); }
  };
}

const pages = {overview, cluster, topics, groups, producers, messages, dlq, config};
function route() {
  clearInterval(timer); timer = null;
  const name = (location.hash.slice(2).split("?")[0]) || "overview";
  document.querySelectorAll("#nav a").forEach(a => a.classList.toggle("active", a.getAttribute("href") === "#/" + name));
  document.body.dataset.page = name;
  (pages[name] || overview)();
}
window.addEventListener("hashchange", route);
route();
