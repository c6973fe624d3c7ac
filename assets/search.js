// Search page: Pagefind's JavaScript API behind the form the page already has.
// Several values of one filter widen the results (any), different filters narrow them (all).
// Results come first; the filters fold away (open on a wide screen), show how many results each value has,
// and can be cleared at once. A search that finds nothing offers the results of the other language.
const root = document.getElementById("search");
const strings = JSON.parse(root.dataset.strings);
const bundle = new URL(root.dataset.bundle, document.baseURI);
const FILTERS = ["zone", "type", "theme", "year"];

const form = root.querySelector(".search-form");
const input = root.querySelector("#search-query");
const header = document.getElementById("site-search");
const status = root.querySelector(".search-status");
const results = root.querySelector(".search-results");
const other = root.querySelector(".search-other");
const filterBox = root.querySelector(".search-filters");
const filterSets = root.querySelector(".search-filter-sets");
const chosenLabel = root.querySelector(".search-filters-chosen");
const clear = root.querySelector(".search-clear");

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

// Pagefind excerpts are escaped text with <mark> around hits: keep only the marks.
function excerpt(html) {
  const node = element("p", { class: "excerpt" });
  node.innerHTML = html.replace(/<(?!\/?mark>)[^>]*>/g, "");
  return node;
}

function readState() {
  const params = new URLSearchParams(location.search);
  const filters = {};
  for (const name of FILTERS) {
    const values = params.getAll(name);
    if (values.length) filters[name] = values;
  }
  return { query: params.get("q") || "", filters };
}

function writeState(state, push) {
  const url = `${location.pathname}${query(state) ? "?" + query(state) : ""}`;
  if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
}

function query(state) {
  const params = new URLSearchParams();
  if (state.query) params.set("q", state.query);
  for (const [name, values] of Object.entries(state.filters)) for (const value of values) params.append(name, value);
  return params.toString();
}

function currentState() {
  const filters = {};
  for (const box of filterSets.querySelectorAll("input[type=checkbox]:checked")) {
    (filters[box.name] ||= []).push(box.value);
  }
  return { query: input.value.trim(), filters };
}

function showQuery(state) {
  input.value = state.query;
  if (header) header.value = state.query;  // the header's box keeps what was searched
}

// Every value of every filter once, each with a place for its count; counts change, the boxes stay (and keep focus).
function drawFilters(available, chosen) {
  filterSets.replaceChildren();
  for (const name of FILTERS) {
    const values = Object.keys(available[name] || {}).sort((a, b) => (name === "year" ? b.localeCompare(a) : a.localeCompare(b)));
    if (!values.length) continue;
    const set = element("fieldset", {}, element("legend", {}, strings[`search_filter_${name}`]));
    values.forEach((value, index) => {
      const id = `filter-${name}-${index}`;
      const box = element("input", { type: "checkbox", id, name, value });
      box.checked = (chosen[name] || []).includes(value);
      set.append(element("label", { for: id }, box, ` ${value} `, element("span", { class: "count", "data-filter": name, "data-value": value })));
    });
    filterSets.append(set);
  }
  filterBox.open = matchMedia("(min-width: 50rem)").matches || Object.keys(chosen).length > 0;
}

function showCounts(counts, state) {
  for (const span of filterSets.querySelectorAll(".count")) {
    span.textContent = `(${(counts[span.dataset.filter] || {})[span.dataset.value] || 0})`;
  }
  const chosen = Object.values(state.filters).reduce((sum, values) => sum + values.length, 0);
  chosenLabel.textContent = chosen ? strings.search_chosen.replace("{count}", chosen) : "";
  clear.hidden = chosen === 0;
}

function countText(count) {
  return count === 0 ? strings.search_no_results
    : count === 1 ? strings.search_one_result : strings.search_results_count.replace("{count}", count);
}

function item(page) {
  const best = (page.sub_results || []).find((sub) => sub.url.includes("#")) || page;
  const entry = element("li");
  entry.append(
    element("h2", {}, element("a", { href: best.url }, page.meta.title || page.url)),
    element("p", { class: "meta" }, [page.meta.zone, page.meta.type, best !== page ? best.title : ""].filter(Boolean).join(" · ")),
    excerpt(best.excerpt || page.excerpt),
  );
  return entry;
}

let pagefind;
let totals;
let otherIndex;  // the other language's index, loaded when a search finds nothing
let generation = 0;

// Pagefind picks an index by the page's lang attribute when an instance is made: made with the other language's.
function otherLanguageIndex() {
  if (!otherIndex) {
    const page = document.documentElement;
    const own = page.lang;
    page.lang = other.dataset.lang;
    const instance = pagefind.createInstance({ basePath: bundle.pathname, baseUrl: new URL("..", bundle).pathname });
    page.lang = own;
    otherIndex = instance.init().then(() => instance);
  }
  return otherIndex;
}

async function offerOtherLanguage(state, mine) {
  if (!other || !state.query || Object.keys(state.filters).length) return;
  const index = await otherLanguageIndex();
  const search = await index.search(state.query);
  if (mine !== generation || !search.results.length) return;
  const data = await Promise.all(search.results.slice(0, 5).map((result) => result.data()));
  if (mine !== generation) return;
  const url = `${other.dataset.url}?${query({ query: state.query, filters: {} })}`;
  other.replaceChildren(strings.search_other_language.replace("{count}", search.results.length), " ",
    element("a", { href: url, hreflang: other.dataset.lang }, strings.search_other_link));
  other.hidden = false;
  results.replaceChildren(...data.map(item));
  for (const entry of results.children) entry.setAttribute("lang", other.dataset.lang);
}

async function run(state) {
  const mine = ++generation;
  other.hidden = true;
  if (!state.query && !Object.keys(state.filters).length) {
    results.replaceChildren();
    status.textContent = "";
    showCounts(totals, state);
    return;
  }
  status.textContent = strings.search_loading;
  const filters = Object.fromEntries(Object.entries(state.filters).map(([name, values]) => [name, { any: values }]));
  const search = await pagefind.search(state.query || null, { filters });
  const data = await Promise.all(search.results.slice(0, 20).map((result) => result.data()));
  if (mine !== generation) return;
  status.textContent = countText(search.results.length);
  results.replaceChildren(...data.map(item));
  showCounts(search.filters || totals, state);
  if (!search.results.length) await offerOtherLanguage(state, mine);
}

async function start() {
  const state = readState();
  showQuery(state);
  if (state.query || Object.keys(state.filters).length) status.textContent = strings.search_loading;
  pagefind = await import(new URL("pagefind.js", bundle).href);
  await pagefind.options({ baseUrl: new URL("..", bundle).pathname });
  await pagefind.init();
  totals = await pagefind.filters();
  drawFilters(totals, state.filters);
  await run(state);
  filterBox.hidden = !filterSets.children.length;  // shown with the first results, below the room kept for them
}

const ready = start();  // a search typed before the index is loaded waits for it

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const state = currentState();
  writeState(state, true);
  if (header) header.value = state.query;
  await ready;
  run(state);
});
filterSets.addEventListener("change", async () => {
  const state = currentState();
  writeState(state, false);
  await ready;
  run(state);
});
clear.addEventListener("click", async () => {
  for (const box of filterSets.querySelectorAll("input[type=checkbox]")) box.checked = false;
  const state = currentState();
  showCounts(totals, state);  // the button and the count of chosen values go at once; the counts follow the search
  writeState(state, false);
  input.focus();
  await ready;
  run(state);
});
window.addEventListener("popstate", async () => {
  await ready;
  const state = readState();
  showQuery(state);
  for (const box of filterSets.querySelectorAll("input[type=checkbox]")) box.checked = (state.filters[box.name] || []).includes(box.value);
  run(state);
});
