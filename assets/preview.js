// Only in `serve`: show the problems of the last build on top of the page, in the editor's language: errors (the
// site shows the last good version until they are fixed), then warnings, the same lines `check` prints; and a line
// that says when the PDFs are being rebuilt and when they are ready.
(function () {
  var script = document.currentScript;
  var address = script.getAttribute("data-problems");
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
  var pdfLine = null;
  function showPdf(state) {
    if (!state) { return; }
    if (!pdfLine) {
      pdfLine = document.createElement("p");
      pdfLine.className = "preview-problems preview-pdf";
      pdfLine.setAttribute("role", "status");
      document.body.insertBefore(pdfLine, document.body.firstChild);
    }
    pdfLine.textContent = state;
  }
  function load() {
    return fetch(address, { cache: "no-store" }).then(function (response) { return response.ok ? response.json() : {}; });
  }
  load().then(function (report) {
    var first = document.body.firstChild;
    var titles = report.titles || {};
    if ((report.errors || []).length) {
      document.body.insertBefore(section(titles.errors, report.errors, "errors"), first);
    }
    if ((report.warnings || []).length) {
      document.body.insertBefore(section(titles.warnings, report.warnings, "warnings"), first);
    }
    showPdf(report.pdf);
    var shown = report.pdf;
    var timer = setInterval(function () {  // the PDFs are rebuilt in the background: say when they are ready
      load().then(function (now) {
        if (now.pdf !== shown) { shown = now.pdf; showPdf(now.pdf); }
      }).catch(function () { clearInterval(timer); });
    }, 2000);
  }).catch(function () {});
})();
