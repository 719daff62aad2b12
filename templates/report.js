/* macrotrace report: the film navigation. Reads everything from the DOM; without it
   every step is shown, so the page does not depend on this script. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.invocation"));
  var active = sections[0] || null;

  function steps(sec) { return sec.querySelectorAll("article.step"); }

  function show(sec, k, opts) {
    var list = steps(sec);
    if (!list.length) return;
    k = Math.max(0, Math.min(list.length - 1, k));
    for (var i = 0; i < list.length; i++) list[i].hidden = (i !== k);
    sec.setAttribute("data-current", k);
    var cur = sec.querySelector(".current");
    if (cur) cur.textContent = list[k].getAttribute("data-step");
    var sel = sec.querySelector("select[data-nav=jump]");
    if (sel) sel.value = list[k].getAttribute("data-step");
    var prev = sec.querySelector("[data-nav=prev]"), next = sec.querySelector("[data-nav=next]");
    if (prev) prev.disabled = (k === 0);
    if (next) next.disabled = (k === list.length - 1);
    var links = sec.querySelectorAll(".steplist a[data-goto]");
    for (var j = 0; j < links.length; j++) {
      if (j === k) links[j].setAttribute("aria-current", "step"); else links[j].removeAttribute("aria-current");
    }
    active = sec;
    if (opts && opts.reveal) {
      var r = list[k].getBoundingClientRect();
      if (r.top < navHeight(sec) || r.top > window.innerHeight - 80) reveal(sec, list[k]);
    }
    if (opts && opts.hash && window.history && history.replaceState) {
      try { history.replaceState(null, "", "#" + list[k].id); } catch (e) { /* file:// may refuse */ }
    }
  }

  function navHeight(sec) {
    var nav = sec.querySelector("nav.film");
    return (nav ? nav.offsetHeight : 0) + 8;
  }

  /* Scroll so that el starts just below the section's sticky navigation. */
  function reveal(sec, el) {
    window.scrollBy(0, el.getBoundingClientRect().top - navHeight(sec));
  }

  function current(sec) { return +(sec.getAttribute("data-current") || 0); }

  /* The invocation the reader is looking at: the one across the reading line (a third of
     the way down the window), else the nearest to it, else the last one used. */
  function inView() {
    var y = window.innerHeight / 3, best = null, dist = Infinity;
    for (var i = 0; i < sections.length; i++) {
      var b = sections[i].getBoundingClientRect();
      if (b.top <= y && b.bottom >= y) return sections[i];
      var d = Math.min(Math.abs(b.top - y), Math.abs(b.bottom - y));
      if (b.bottom > 0 && b.top < window.innerHeight && d < dist) { dist = d; best = sections[i]; }
    }
    return best || active;
  }

  sections.forEach(function (sec) {
    show(sec, 0);
    sec.querySelector("[data-nav=prev]").addEventListener("click", function () { show(sec, current(sec) - 1, { hash: true }); });
    sec.querySelector("[data-nav=next]").addEventListener("click", function () { show(sec, current(sec) + 1, { hash: true }); });
    sec.querySelector("select[data-nav=jump]").addEventListener("change", function () {
      show(sec, indexOf(sec, this.value), { reveal: true, hash: true });
    });
    sec.addEventListener("focusin", function () { active = sec; });
    sec.addEventListener("pointerdown", function () { active = sec; });
  });

  function indexOf(sec, stepNumber) {
    var list = steps(sec);
    for (var i = 0; i < list.length; i++) if (list[i].getAttribute("data-step") === String(stepNumber)) return i;
    return 0;
  }

  /* #invI-stepN (step links, the tree, the definitions' "used in") opens that step. */
  function fromHash() {
    var m = /^#(inv\d+)-step(\d+)$/.exec(window.location.hash);
    if (!m) return;
    var sec = document.getElementById(m[1]);
    if (!sec) return;
    show(sec, indexOf(sec, m[2]));
    var el = document.getElementById(m[1] + "-step" + m[2]);
    if (el) reveal(sec, el);
  }
  window.addEventListener("hashchange", fromHash);
  window.addEventListener("load", fromHash);
  fromHash();

  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented) return;
    var t = e.target, tag = t && t.tagName;
    if (tag === "SELECT" || tag === "INPUT" || tag === "TEXTAREA" || (t && t.isContentEditable)) return;
    var sec = inView();
    if (!sec) return;
    if (e.key === "ArrowRight" || e.key === "j") { show(sec, current(sec) + 1, { reveal: true, hash: true }); e.preventDefault(); }
    else if (e.key === "ArrowLeft" || e.key === "k") { show(sec, current(sec) - 1, { reveal: true, hash: true }); e.preventDefault(); }
  });

  /* Print everything: open the collapsed tree nodes and step list before printing. */
  window.addEventListener("beforeprint", function () {
    var closed = document.querySelectorAll("details.node:not([open])");
    for (var i = 0; i < closed.length; i++) closed[i].open = true;
  });
})();
