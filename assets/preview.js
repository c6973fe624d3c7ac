// Only in `serve`: show the problems of the last build on top of the page: errors (the site shows the
// last good version until they are fixed), then warnings, the same lines `check` prints.
(function () {
  var script = document.currentScript;
  function section(title, lines, role) {
    var box = document.createElement("section");
    box.className = "preview-problems preview-" + role;
    box.setAttribute("role", role === "errors" ? "alert" : "status");
    var heading = document.createElement("h2");
    heading.textContent = title;
    var list = document.createElement("ul");
    lines.forEach(function (line) {
      var item = document.createElement("li");
      var code = document.createElement("code");
      code.textContent = line;
      item.appendChild(code);
      list.appendChild(item);
    });
    box.appendChild(heading);
    box.appendChild(list);
    return box;
  }
  fetch(script.getAttribute("data-problems"), { cache: "no-store" })
    .then(function (response) { return response.ok ? response.json() : {}; })
    .then(function (report) {
      var first = document.body.firstChild;
      if ((report.errors || []).length) {
        document.body.insertBefore(section(script.getAttribute("data-errors-title"), report.errors, "errors"), first);
      }
      if ((report.warnings || []).length) {
        document.body.insertBefore(section(script.getAttribute("data-warnings-title"), report.warnings, "warnings"), first);
      }
    })
    .catch(function () {});
})();
