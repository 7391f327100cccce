// Autocomplete for the term search: labels from every term list as you type (/ui/search/suggest),
// chosen with the arrow keys and Enter or the mouse; Escape closes the list. Without JavaScript
// the form still searches.
(function () {
  "use strict";
  var input = document.getElementById("search-q");
  var list = document.getElementById("suggestions");
  if (!input || !list) return;
  var items = [], at = -1, timer = null, asked = "";

  function close() {
    list.hidden = true; input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant"); at = -1;
  }
  function mark(i) {
    at = i;
    Array.prototype.forEach.call(list.children, function (li, j) {
      li.setAttribute("aria-selected", j === at ? "true" : "false");
    });
    if (at >= 0) input.setAttribute("aria-activedescendant", "sugg-" + at);
  }
  function show(found) {
    items = found; list.textContent = "";
    found.forEach(function (item, i) {
      var li = document.createElement("li");
      li.id = "sugg-" + i; li.setAttribute("role", "option");
      var label = document.createElement("span"); label.textContent = item.label;
      var where = document.createElement("small"); where.textContent = " " + item.list;
      li.appendChild(label); li.appendChild(where);
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); window.location.assign(item.href); });
      list.appendChild(li);
    });
    if (found.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); mark(-1); }
    else close();
  }
  function ask() {
    var q = input.value.trim();
    if (q === asked) return;
    asked = q;
    if (!q) { close(); return; }
    fetch("/ui/search/suggest?q=" + encodeURIComponent(q), {headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (found) { if (input.value.trim() === q) show(found); })
      .catch(close);
  }
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, 120); });
  input.addEventListener("keydown", function (ev) {
    if (list.hidden) return;
    if (ev.key === "ArrowDown") { mark(Math.min(items.length - 1, at + 1)); ev.preventDefault(); }
    else if (ev.key === "ArrowUp") { mark(Math.max(-1, at - 1)); ev.preventDefault(); }
    else if (ev.key === "Enter" && at >= 0) { window.location.assign(items[at].href); ev.preventDefault(); }
    else if (ev.key === "Escape") { close(); }
  });
  input.addEventListener("blur", function () { setTimeout(close, 150); });
})();
