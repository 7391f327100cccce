// The bulk review: the confirm button always says how many mappings it will accept.
(function () {
  "use strict";
  var button = document.getElementById("bulk-confirm");
  if (!button) return;
  var boxes = document.querySelectorAll("input[name=pair]");
  function count() {
    var n = Array.prototype.filter.call(boxes, function (b) { return b.checked; }).length;
    button.textContent = button.dataset.template.replace("{n}", n);
    button.disabled = n === 0;
  }
  Array.prototype.forEach.call(boxes, function (b) { b.addEventListener("change", count); });
})();
