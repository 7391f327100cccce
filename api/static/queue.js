// The alignment queue's keyboard: j/k or arrows choose a candidate, 1-5 accept it as
// exact/close/broad/narrow/related, x rejects it, n marks "no match", u undoes, [ and ] move
// between terms, / goes to the search box. Decisions post the page's own form (so they carry the
// CSRF token and the "why"), asking for JSON; the server answers with the page to go to next.
(function () {
  "use strict";
  var form = document.getElementById("decide");
  var cands = Array.prototype.slice.call(document.querySelectorAll("#cands .cand"));
  var busy = false;
  var at = 0;

  function select(i, focus) {
    if (!cands.length) return;
    at = Math.max(0, Math.min(cands.length - 1, i));
    cands.forEach(function (c, j) {
      c.classList.toggle("selected", j === at);
      c.setAttribute("aria-current", j === at ? "true" : "false");
    });
    if (focus) { cands[at].focus({preventScroll: true}); }
    cands[at].scrollIntoView({block: "nearest"});
  }

  function post(formEl, button) {
    if (busy) return;
    busy = true;
    document.body.classList.add("busy");
    var data = new FormData(formEl);
    if (button && button.name) data.append(button.name, button.value);
    fetch(formEl.action, {method: "POST", body: data, headers: {"Accept": "application/json"},
                          credentials: "same-origin"})
      .then(function (r) { return r.json().then(function (body) { return [r.ok, body]; }); })
      .then(function (res) {
        if (res[0] && res[1].next) { window.location.assign(res[1].next); return; }
        throw new Error(res[1].error || res[1].detail || "error");
      })
      .catch(function (err) {
        busy = false;
        document.body.classList.remove("busy");
        var box = document.getElementById("js-error") || document.createElement("p");
        box.id = "js-error"; box.className = "warn"; box.setAttribute("role", "alert");
        box.textContent = err.message;
        (form || document.querySelector("main")).prepend(box);
      });
  }

  function press(selector) {
    var button = document.querySelector(selector);
    if (button && !button.disabled) post(button.form, button);
  }

  cands.forEach(function (c, i) {
    c.addEventListener("click", function (ev) {
      if (ev.target.closest("button, a")) return;
      select(i, true);
    });
  });
  if (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      post(form, ev.submitter);
    });
  }
  var undo = document.getElementById("undo-last");
  if (undo) {
    undo.addEventListener("submit", function (ev) { ev.preventDefault(); post(undo, null); });
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var tag = (ev.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select") {
      if (ev.key === "Escape") ev.target.blur();
      return;
    }
    var k = ev.key, handled = true, cand = cands[at];
    if (k === "j" || k === "ArrowDown") select(at + 1, true);
    else if (k === "k" || k === "ArrowUp") select(at - 1, true);
    else if (/^[1-5x]$/.test(k) && cand) press("#cands .cand.selected button[data-key='" + k + "']");
    else if (k === "n") press("button[data-key='n']");
    else if (k === "u") { if (undo && !undo.querySelector("button").disabled) post(undo, null); }
    else if (k === "[" || k === "]") {
      var a = document.getElementById(k === "[" ? "prev-term" : "next-term");
      if (a) window.location.assign(a.href);
    }
    else if (k === "/") { var q = document.getElementById("q"); if (q) q.focus(); }
    else handled = false;
    if (handled) ev.preventDefault();
  });
  select(0, false);
})();
