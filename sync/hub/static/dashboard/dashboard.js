// The hub's M&E dashboard: log in as a hub user, read GET /v1/indicators with the session's
// bearer token, draw it. The token lives in this tab's sessionStorage only (never
// localStorage): closing the tab forgets it, logging out ends the session at the hub.
// Every text from the hub goes in through textContent, never as HTML.
"use strict";

(function () {
  const TOKEN_KEY = "fieldreg-hub-session";
  const LANGUAGE_KEY = "fieldreg-hub-language";
  const FILTERS = ["since", "until", "province", "channel", "bank", "category", "sex"];
  const KHMER_DIGITS = "០១២៣៤៥៦៧៨៩";

  let words = null; // /dashboard/words.json
  let figures = null; // the last answer of /v1/indicators
  let language = sessionStorage.getItem(LANGUAGE_KEY) === "km" ? "km" : "en";
  let asking = 0; // the newest request: older answers are dropped

  const byId = (id) => document.getElementById(id);

  function digits(text) {
    const s = String(text);
    return language === "km" ? s.replace(/[0-9]/g, (d) => KHMER_DIGITS[Number(d)]) : s;
  }

  // a sentence in the chosen language; numbers in `values` come already shown()
  function word(key, values) {
    const entry = words.ui[key];
    let text = entry ? entry[language] || entry.en : key;
    for (const [name, value] of Object.entries(values || {})) {
      text = text.split("{" + name + "}").join(String(value));
    }
    return text;
  }

  function fieldName(field) {
    const pair = words.fields[field];
    return pair ? pair[language === "km" ? 1 : 0] : field;
  }

  function valueName(field, value) {
    if (field === "province") return placeName(value);
    const pair = (words.labels[field] || {})[value];
    return pair ? pair[language === "km" ? 1 : 0] : String(value);
  }

  function placeName(code) {
    const places = (figures && figures.places) || {};
    const known = places[code] || words.provinces.find((p) => p.code === code);
    return known ? known[language] || known.en : String(code);
  }

  // a count or percentage as shown: "<5" as it came, null as a dash, numbers in the digits
  // of the language
  function shown(value, unit) {
    if (value === null || value === undefined) return "—";
    if (typeof value === "string") return digits(value);
    const text = unit === "percent" ? value.toFixed(1) + "%" : value.toLocaleString("en-US");
    return digits(text);
  }

  // how long a bar is: "<5" is drawn as nothing, like a withheld value
  function amount(value) {
    return typeof value === "number" ? value : 0;
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // -- session ------------------------------------------------------------------------------

  function token() {
    return sessionStorage.getItem(TOKEN_KEY);
  }

  function showLogin(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(TOKEN_KEY + "-name");
    figures = null;
    byId("figures").hidden = true;
    byId("logout").hidden = true;
    byId("who").textContent = "";
    byId("login").hidden = false;
    byId("login-passphrase").value = "";
    byId("login-error").textContent = message ? word(message) : "";
    byId("login-name").focus();
  }

  async function logIn(event) {
    event.preventDefault();
    const name = byId("login-name").value;
    const passphrase = byId("login-passphrase").value;
    byId("login-error").textContent = word("loading");
    let answer;
    try {
      answer = await fetch("v1/admin/session", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ name: name, passphrase: passphrase }),
        credentials: "omit",
      });
    } catch (_error) {
      byId("login-error").textContent = word("unavailable");
      return;
    }
    byId("login-passphrase").value = "";
    if (!answer.ok) {
      const code = await errorCode(answer);
      const known = ["login_failed", "login_backoff", "hub_user_disabled"];
      byId("login-error").textContent = word(known.includes(code) ? code : "unavailable");
      return;
    }
    const session = await answer.json();
    sessionStorage.setItem(TOKEN_KEY, session.token);
    sessionStorage.setItem(TOKEN_KEY + "-name", session.name);
    showFigures();
  }

  async function logOut() {
    const current = token();
    showLogin("");
    if (current) {
      try {
        await fetch("v1/admin/session", {
          method: "DELETE",
          headers: { Authorization: "Bearer " + current },
          credentials: "omit",
        });
      } catch (_error) {
        // the session expires by itself at the hub
      }
    }
  }

  async function errorCode(answer) {
    try {
      const body = await answer.json();
      return typeof body.error === "string" ? body.error : "";
    } catch (_error) {
      return "";
    }
  }

  // -- figures ------------------------------------------------------------------------------

  function showFigures() {
    byId("login").hidden = true;
    byId("figures").hidden = false;
    byId("logout").hidden = false;
    const name = sessionStorage.getItem(TOKEN_KEY + "-name") || "";
    byId("who").textContent = name ? word("logged_in_as", { name: name }) : "";
    load();
  }

  function query() {
    const params = new URLSearchParams();
    for (const name of FILTERS) {
      const value = byId("f-" + name).value;
      if (value) params.set(name, value);
    }
    params.set("format", "json");
    return params.toString();
  }

  async function load() {
    const current = token();
    if (!current) {
      showLogin("");
      return;
    }
    const mine = ++asking;
    byId("status").textContent = word("loading");
    byId("figures").setAttribute("aria-busy", "true");
    let answer;
    try {
      answer = await fetch("v1/indicators?" + query(), {
        headers: { Authorization: "Bearer " + current, Accept: "application/json" },
        credentials: "omit",
        cache: "no-store",
      });
    } catch (_error) {
      if (mine === asking) byId("status").textContent = word("unavailable");
      return;
    }
    if (mine !== asking) return;
    if (answer.status === 401) {
      showLogin("session_ended");
      return;
    }
    if (!answer.ok) {
      const code = await errorCode(answer);
      byId("status").textContent =
        answer.status === 403
          ? word("role_refused")
          : answer.status >= 500
            ? word("unavailable")
            : word("refused", { code: code || String(answer.status) });
      return;
    }
    figures = await answer.json();
    if (mine !== asking) return;
    byId("status").textContent = "";
    byId("figures").setAttribute("aria-busy", "false");
    render();
  }

  function indicator(id) {
    return (figures.indicators || []).find((entry) => entry.id === id) || null;
  }

  function breakdown(entry, by) {
    if (!entry) return [];
    const wanted = by.join("+");
    const found = (entry.breakdowns || []).find((b) => b.by.join("+") === wanted);
    return found ? found.rows : [];
  }

  function indicatorName(entry) {
    return entry ? entry.name[language] || entry.name.en : "";
  }

  function render() {
    if (!figures) return;
    renderTiles();
    renderProvinces();
    renderGroups();
    renderServices();
    renderChannels();
    const total = indicator("registrations");
    if (total && total.value === 0) byId("status").textContent = word("no_data");
    const when = cambodiaTime(figures.refreshed_at || figures.generated_at || "");
    byId("refreshed").textContent = when ? word("refreshed", { time: digits(when) }) : "";
    const cells = figures.small_cells || {};
    byId("small-cells").textContent = cells.suppressed
      ? word("small_cells", { n: shown(cells.below || words.small_cell) })
      : "";
  }

  function cambodiaTime(iso) {
    const moment = new Date(iso);
    if (!iso || Number.isNaN(moment.getTime())) return "";
    const local = new Date(moment.getTime() + 7 * 3600 * 1000); // UTC+7, no daylight saving
    return local.toISOString().slice(0, 16).replace("T", " ");
  }

  function setTile(id, value, sub) {
    const tile = byId("tile-" + id);
    const entry = indicator(id);
    tile.querySelector(".label").textContent = indicatorName(entry);
    tile.querySelector(".value").textContent = value;
    tile.querySelector(".sub").textContent = sub || "";
  }

  function renderTiles() {
    const registrations = indicator("registrations");
    setTile("registrations", shown(registrations && registrations.value, "count"));
    for (const id of ["female_share", "facilitation_rate"]) {
      const entry = indicator(id);
      const sub =
        entry && entry.numerator !== undefined
          ? word("of_all", { n: shown(entry.numerator), d: shown(entry.denominator) })
          : "";
      setTile(id, shown(entry && entry.value, "percent"), sub);
    }
    const duplicates = indicator("duplicates_flagged");
    setTile("duplicates_flagged", shown(duplicates && duplicates.value, "count"));
    const lag = indicator("acknowledgement_lag");
    const median = lag && typeof lag.median === "number" ? word("minutes", { n: shown(lag.median) }) : "—";
    const p90 = lag && typeof lag.p90 === "number" ? word("lag_p90", { n: shown(lag.p90) }) : "";
    setTile("acknowledgement_lag", median, p90);
  }

  // a bar: its label, a track with a fill as long as value/most, and the value's text
  function bar(label, value, most, text, className) {
    const row = element("div", "bar-row" + (className ? " " + className : ""));
    row.appendChild(element("span", "bar-label", label));
    const track = element("span", "track");
    const fill = element("span", "fill");
    fill.style.width = (most > 0 ? (100 * amount(value)) / most : 0).toFixed(2) + "%";
    track.appendChild(fill);
    row.appendChild(track);
    row.appendChild(element("span", "bar-value", text));
    return row;
  }

  function renderProvinces() {
    const counts = breakdown(indicator("registrations"), ["province"]);
    const women = {};
    for (const row of breakdown(indicator("female_share"), ["province"])) {
      women[row.province] = row.value;
    }
    const sorted = counts.slice().sort((a, b) => order(b.value) - order(a.value));
    const most = Math.max(0, ...counts.map((row) => amount(row.value)));
    const body = document.querySelector("#province-table tbody");
    body.replaceChildren();
    for (const row of sorted) {
      const line = element("tr");
      line.dataset.province = row.province;
      line.appendChild(element("td", "", placeName(row.province)));
      line.appendChild(element("td", "num", shown(row.value, "count")));
      const cell = element("td", "bar-cell");
      const track = element("span", "track");
      const fill = element("span", "fill");
      fill.style.width = (most > 0 ? (100 * amount(row.value)) / most : 0).toFixed(2) + "%";
      track.appendChild(fill);
      cell.appendChild(track);
      line.appendChild(cell);
      line.appendChild(element("td", "num", shown(women[row.province], "percent")));
      body.appendChild(line);
    }
  }

  function order(value) {
    return typeof value === "number" ? value : value ? 0.5 : -1; // "<5" above 0, null last
  }

  function renderGroups() {
    const rows = breakdown(indicator("registrations"), ["category", "sex"]);
    const most = Math.max(0, ...rows.map((row) => amount(row.value)));
    const box = byId("groups");
    box.replaceChildren();
    for (const category of words.choices.category) {
      const group = element("div", "group");
      group.appendChild(element("h3", "", valueName("category", category)));
      for (const sex of words.choices.sex) {
        const row = rows.find((r) => r.category === category && r.sex === sex);
        const value = row ? row.value : 0;
        group.appendChild(
          bar(valueName("sex", sex), value, most, shown(value, "count"), "sex-" + sex),
        );
      }
      box.appendChild(group);
    }
  }

  function renderServices() {
    const entry = indicator("service_interest");
    byId("services-title").textContent = indicatorName(entry);
    const rows = breakdown(entry, ["service"]);
    const most = Math.max(0, ...rows.map((row) => amount(row.numerator)));
    const box = byId("services");
    box.replaceChildren();
    for (const service of words.choices.service) {
      const row = rows.find((r) => r.service === service);
      const text = row
        ? shown(row.numerator, "count") + " · " + shown(row.value, "percent")
        : shown(0, "count"); // no row: nobody asked about it
      box.appendChild(bar(valueName("service", service), row ? row.numerator : 0, most, text));
    }
  }

  function renderChannels() {
    const channels = breakdown(indicator("registrations"), ["channel"]);
    const banks = breakdown(indicator("bank_registrations"), ["bank"]);
    const most = Math.max(0, ...channels.map((row) => amount(row.value)));
    const box = byId("channels");
    box.replaceChildren();
    for (const channel of words.choices.channel) {
      const row = channels.find((r) => r.channel === channel);
      const value = row ? row.value : 0;
      box.appendChild(bar(valueName("channel", channel), value, most, shown(value, "count")));
      if (channel !== "bank_branch") continue;
      for (const bank of words.choices.bank) {
        const found = banks.find((r) => r.bank === bank);
        if (!found) continue;
        box.appendChild(
          bar(valueName("bank", bank), found.value, most, shown(found.value, "count"), "bank"),
        );
      }
    }
  }

  // -- language -----------------------------------------------------------------------------

  function fillChoices(name, values, label) {
    const select = byId("f-" + name);
    const chosen = select.value;
    select.replaceChildren(element("option", "", word("all")));
    select.firstChild.value = "";
    for (const value of values) {
      const option = element("option", "", label(value));
      option.value = value;
      select.appendChild(option);
    }
    select.value = chosen;
  }

  function applyLanguage() {
    document.documentElement.lang = language;
    document.title = word("title");
    for (const node of document.querySelectorAll("[data-word]")) {
      node.textContent = word(node.dataset.word);
    }
    for (const node of document.querySelectorAll("[data-field]")) {
      node.textContent = fieldName(node.dataset.field);
    }
    fillChoices(
      "province",
      words.provinces.map((p) => p.code),
      (code) => placeName(code),
    );
    for (const name of ["channel", "bank", "category", "sex"]) {
      fillChoices(name, words.choices[name], (value) => valueName(name, value));
    }
    const name = sessionStorage.getItem(TOKEN_KEY + "-name");
    byId("who").textContent = token() && name ? word("logged_in_as", { name: name }) : "";
    render();
  }

  function switchLanguage() {
    language = language === "km" ? "en" : "km";
    sessionStorage.setItem(LANGUAGE_KEY, language);
    applyLanguage();
  }

  // -- start --------------------------------------------------------------------------------

  async function start() {
    const answer = await fetch("dashboard/words.json", { credentials: "omit" });
    words = await answer.json();
    applyLanguage();
    byId("login-form").addEventListener("submit", logIn);
    byId("logout").addEventListener("click", logOut);
    byId("language").addEventListener("click", switchLanguage);
    byId("filters").addEventListener("submit", (event) => {
      event.preventDefault();
      load();
    });
    for (const name of FILTERS) byId("f-" + name).addEventListener("change", load);
    if (token()) {
      showFigures();
    } else {
      showLogin("");
    }
    document.body.dataset.ready = "true";
  }

  start();
})();
