// Document pages: a printed copy says on which day it was printed (its address is in the page already).
(function () {
  var place = document.querySelector(".print-date");
  if (!place) return;
  var lang = document.documentElement.lang;
  place.textContent = " " + place.getAttribute("data-prefix") + " " +
    new Intl.DateTimeFormat(lang, { day: "numeric", month: "long", year: "numeric" }).format(new Date()) + ".";
})();
