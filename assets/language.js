// Root page: send the visitor to their browser's language when the site has it, else the default.
(function () {
  var script = document.currentScript;
  var ours = script.getAttribute("data-languages").split(" ");
  var chosen = script.getAttribute("data-default");
  var wanted = navigator.languages || [navigator.language || ""];
  for (var i = 0; i < wanted.length; i++) {
    var code = String(wanted[i]).slice(0, 2).toLowerCase();
    if (ours.indexOf(code) !== -1) { chosen = code; break; }
  }
  window.location.replace(chosen + "/");
})();
