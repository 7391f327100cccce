// A submission's status page: asks the status route every second and moves the progress bar;
// when the job is done or failed, reloads the page to show the result and the report link.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) return;
  var bar = document.getElementById("job-progress"), read = document.getElementById("job-read");
  function tick() {
    fetch(box.dataset.statusUrl, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (job) {
        if (job.status !== "queued" && job.status !== "running") { window.location.reload(); return; }
        if (read) read.textContent = job.read;
        if (bar && job.expected) { bar.max = job.expected; bar.value = job.read; }
        setTimeout(tick, 1000);
      })
      .catch(function () { setTimeout(tick, 3000); });
  }
  setTimeout(tick, 500);
})();
