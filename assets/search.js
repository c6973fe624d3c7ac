// Search page: Pagefind's JavaScript API with our own accessible interface.
// Several values of one filter widen the results (any), different filters narrow them (all).
const root = document.getElementById("search");
const strings = JSON.parse(root.dataset.strings);
const bundle = new URL(root.dataset.bundle, document.baseURI);
const FILTERS = ["zone", "type", "theme", "year"];

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

const form = element("form", { class: "search-form", role: "search", action: "" });
const input = element("input", { id: "search-query", name: "q", type: "search", autocomplete: "off", placeholder: strings.search_placeholder });
form.append(
  element("label", { for: "search-query" }, strings.search_label),
  input,
  element("button", { type: "submit" }, strings.search_button),
);
const filterBox = element("div", { class: "search-filters" });
const status = element("p", { role: "status", "aria-live": "polite", class: "search-status" });
const results = element("ol", { class: "search-results" });
root.append(form, element("h2", { class: "visually-hidden" }, strings.search_filters), filterBox, status, results);

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
  const params = new URLSearchParams();
  if (state.query) params.set("q", state.query);
  for (const [name, values] of Object.entries(state.filters)) for (const value of values) params.append(name, value);
  const url = `${location.pathname}${params.toString() ? "?" + params : ""}`;
  if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
}

function currentState() {
  const filters = {};
  for (const box of filterBox.querySelectorAll("input[type=checkbox]:checked")) {
    (filters[box.name] ||= []).push(box.value);
  }
  return { query: input.value.trim(), filters };
}

function drawFilters(available, chosen) {
  filterBox.replaceChildren();
  for (const name of FILTERS) {
    const values = Object.keys(available[name] || {}).sort((a, b) => (name === "year" ? b.localeCompare(a) : a.localeCompare(b)));
    if (!values.length) continue;
    const set = element("fieldset", {}, element("legend", {}, strings[`search_filter_${name}`]));
    values.forEach((value, index) => {
      const id = `filter-${name}-${index}`;
      const box = element("input", { type: "checkbox", id, name, value });
      box.checked = (chosen[name] || []).includes(value);
      set.append(element("label", { for: id }, box, ` ${value}`));
    });
    filterBox.append(set);
  }
}

let pagefind;
let generation = 0;

async function run(state) {
  const mine = ++generation;
  if (!state.query && !Object.keys(state.filters).length) {
    results.replaceChildren();
    status.textContent = "";
    return;
  }
  status.textContent = strings.search_loading;
  const filters = Object.fromEntries(Object.entries(state.filters).map(([name, values]) => [name, { any: values }]));
  const search = await pagefind.search(state.query || null, { filters });
  const data = await Promise.all(search.results.slice(0, 20).map((result) => result.data()));
  if (mine !== generation) return;
  const count = search.results.length;
  status.textContent = count === 0 ? strings.search_no_results
    : count === 1 ? strings.search_one_result : strings.search_results_count.replace("{count}", count);
  results.replaceChildren(...data.map((page) => {
    const best = (page.sub_results || []).find((sub) => sub.url.includes("#")) || page;
    const item = element("li");
    item.append(
      element("h2", {}, element("a", { href: best.url }, page.meta.title || page.url)),
      element("p", { class: "meta" }, [page.meta.zone, page.meta.type, best !== page ? best.title : ""].filter(Boolean).join(" · ")),
      excerpt(best.excerpt || page.excerpt),
    );
    return item;
  }));
}

async function start() {
  pagefind = await import(new URL("pagefind.js", bundle).href);
  await pagefind.options({ baseUrl: new URL("..", bundle).pathname });
  await pagefind.init();
  const state = readState();
  input.value = state.query;
  drawFilters(await pagefind.filters(), state.filters);
  await run(state);
}

const ready = start();  // a search typed before the index is loaded waits for it

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const state = currentState();
  writeState(state, true);
  await ready;
  run(state);
});
filterBox.addEventListener("change", async () => {
  const state = currentState();
  writeState(state, false);
  await ready;
  run(state);
});
window.addEventListener("popstate", async () => {
  await ready;
  const state = readState();
  input.value = state.query;
  for (const box of filterBox.querySelectorAll("input[type=checkbox]")) box.checked = (state.filters[box.name] || []).includes(box.value);
  run(state);
});

