// Only in `serve`: show the content errors of the last rebuild on top of the page, until they are fixed.
(function () {
  var script = document.currentScript;
  fetch(script.getAttribute("data-errors"), { cache: "no-store" })
    .then(function (response) { return response.ok ? response.json() : { problems: [] }; })
    .then(function (report) {
      if (!report.problems.length) return;
      var box = document.createElement("section");
      box.className = "preview-errors";
      box.setAttribute("role", "alert");
      var title = document.createElement("h2");
      title.textContent = "Build error: the site shows the last good version";
      var list = document.createElement("ul");
      report.problems.forEach(function (problem) {
        var item = document.createElement("li");
        var code = document.createElement("code");
        code.textContent = problem;
        item.appendChild(code);
        list.appendChild(item);
      });
      box.appendChild(title);
      box.appendChild(list);
      document.body.insertBefore(box, document.body.firstChild);
    })
    .catch(function () {});
})();
