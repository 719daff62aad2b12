/* macrotrace report: the film navigation. Reads everything from the DOM; without it
   every step is shown, so the page does not depend on this script. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.invocation"));
  var active = sections[0] || null;

  /* The view: which steps the film stops at.  The page opens with the policy's view
     (steps it hides carry data-hidden); "all steps" shows every one; per macro the reader
     can hide, show or focus (only the steps inside its expansions).  A hidden step is
     folded into the next visible one, which says so and shows the text before the hidden
     work; hidden work after the last visible step makes a last frame of its own. */
  var bar = document.querySelector(".viewbar");
  var allBox = bar ? bar.querySelector("#all-steps") : null;
  var initial = { all: allBox ? allBox.checked : true, focus: bar ? (bar.getAttribute("data-focus") || "").split(" ")[0] || null : null };
  var view = { all: initial.all, over: {}, focus: initial.focus, forced: {} };

  function articles(sec) { return Array.prototype.slice.call(sec.querySelectorAll("article.step")); }
  function macroOf(a) { return a.getAttribute("data-macro") || ""; }
  function inFocus(a) {
    if (!view.focus || a.getAttribute("data-step") === "0") return true;
    if (macroOf(a) === view.focus) return true;
    return (a.getAttribute("data-chain") || "").split(" ").indexOf(view.focus) >= 0;
  }
  function visibleStep(a) {
    if (a.getAttribute("data-step") === "0" || view.forced[a.id]) return true;
    if (!inFocus(a)) return false;
    var o = view.over[macroOf(a)];
    if (o === "show") return true;
    if (o === "hide") return false;
    if (view.focus && macroOf(a) === view.focus) return true;
    return view.all || a.getAttribute("data-hidden") !== "1";
  }
  function steps(sec) {
    var all = articles(sec), out = all.filter(visibleStep);
    var end = all[all.length - 1];
    if (end && out[out.length - 1] !== end && !view.focus) out.push(end);
    return out;
  }
  function foldedInto(sec, el) {
    var all = articles(sec), list = steps(sec), out = [];
    for (var i = all.indexOf(el) - 1; i >= 0 && list.indexOf(all[i]) < 0; i--) out.unshift(all[i]);
    if (!visibleStep(el)) out.push(el);
    return out;
  }
  function summary(folded) {
    var counts = {}, order = [];
    folded.forEach(function (a) {
      var m = macroOf(a);
      if (!(m in counts)) { counts[m] = 0; order.push(m); }
      counts[m]++;
    });
    return "+ " + folded.length + " hidden: " + order.map(function (m) {
      return counts[m] > 1 ? m + " \u00d7" + counts[m] : m; }).join(", ");
  }
  function frame(sec, el) {
    var folded = foldedInto(sec, el), note = el.querySelector(".folded");
    var slot = el.querySelector(".folded-before"), own = el.querySelector(".before");
    if (slot) slot.innerHTML = "";
    if (own) own.hidden = false;
    if (note) { note.hidden = !folded.length; note.textContent = folded.length ? summary(folded) : ""; }
    var first = folded[0];
    if (first && first !== el && slot && own) {
      var before = first.querySelector(".before");
      if (before) { slot.appendChild(before.cloneNode(true)); own.hidden = true; }
    }
  }

  function show(sec, k, opts) {
    var list = steps(sec);
    if (!list.length) return;
    k = Math.max(0, Math.min(list.length - 1, k));
    var every = articles(sec);
    for (var i = 0; i < every.length; i++) every[i].hidden = (every[i] !== list[k]);
    frame(sec, list[k]);
    var opts_ = sec.querySelectorAll("select[data-nav=jump] option");
    for (var o = 0; o < opts_.length; o++) {
      var on = list.some(function (a) { return a.getAttribute("data-step") === opts_[o].value; });
      opts_[o].hidden = opts_[o].disabled = !on;
    }
    sec.setAttribute("data-current", k);
    var cur = sec.querySelector(".current");
    if (cur) cur.textContent = list[k].getAttribute("data-step");
    var sel = sec.querySelector("select[data-nav=jump]");
    if (sel) sel.value = list[k].getAttribute("data-step");
    var prev = sec.querySelector("[data-nav=prev]"), next = sec.querySelector("[data-nav=next]");
    if (prev) prev.disabled = (k === 0);
    if (next) next.disabled = (k === list.length - 1);
    var links = sec.querySelectorAll(".steplist a[data-goto]");
    var here = list[k].getAttribute("data-step");
    for (var j = 0; j < links.length; j++) {
      if (links[j].getAttribute("data-goto") === here) links[j].setAttribute("aria-current", "step");
      else links[j].removeAttribute("aria-current");
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
    sec.querySelector("[data-nav=prev]").addEventListener("click", function () { show(sec, current(sec) - 1, { hash: true }); });
    sec.querySelector("[data-nav=next]").addEventListener("click", function () { show(sec, current(sec) + 1, { hash: true }); });
    sec.querySelector("select[data-nav=jump]").addEventListener("change", function () {
      show(sec, indexOf(sec, this.value), { reveal: true, hash: true });
    });
    sec.addEventListener("focusin", function () { active = sec; });
    sec.addEventListener("pointerdown", function () { active = sec; });
  });

  function indexOf(sec, stepNumber) {
    var el = document.getElementById(sec.id + "-step" + stepNumber);
    if (el && steps(sec).indexOf(el) < 0) view.forced[el.id] = true;    // asked for: shown
    var list = steps(sec);
    for (var i = 0; i < list.length; i++) if (list[i].getAttribute("data-step") === String(stepNumber)) return i;
    return 0;
  }

  /* After the view changed: every film stays on its step, or the visible one before it. */
  function refresh() {
    var shown = 0, total = 0;
    sections.forEach(function (sec) {
      var all = articles(sec), cur = all.filter(function (a) { return !a.hidden; })[0] || all[0];
      var list = steps(sec), k = 0;
      for (var i = all.indexOf(cur); i >= 0; i--) { var at = list.indexOf(all[i]); if (at >= 0) { k = at; break; } }
      show(sec, k);
      total += all.length - 1;
      shown += list.filter(function (a) { return visibleStep(a) && a.getAttribute("data-step") !== "0"; }).length;
    });
    if (bar) {
      var state = bar.querySelector(".viewstate");
      if (state) state.textContent = shown + " of " + total + " steps shown" + (view.focus ? " \u00b7 focus: " + view.focus : "");
      if (allBox) allBox.checked = view.all;
    }
  }
  if (allBox) allBox.addEventListener("change", function () { view.all = allBox.checked; view.forced = {}; refresh(); });
  var reset = document.getElementById("view-reset");
  if (reset) reset.addEventListener("click", function () {
    view = { all: initial.all, over: {}, focus: initial.focus, forced: {} };
    refresh();
  });
  /* --matrix: put the films of two groups on the step where their chains part. */
  document.addEventListener("click", function (e) {
    var b = e.target && e.target.closest ? e.target.closest("button[data-align]") : null;
    if (!b) return;
    b.getAttribute("data-align").split(" ").forEach(function (id, i) {
      var m = /^(inv\d+)-step(\d+)$/.exec(id), sec = m && document.getElementById(m[1]);
      if (!sec) return;
      show(sec, indexOf(sec, m[2]));
      if (i === 0) reveal(sec, document.getElementById(id));
    });
  });
  document.addEventListener("click", function (e) {
    var b = e.target && e.target.closest ? e.target.closest("button[data-act]") : null;
    if (!b) return;
    e.preventDefault();         // inside a tree <summary>: do not fold the node
    var m = b.getAttribute("data-macro"), act = b.getAttribute("data-act");
    view.forced = {};
    if (act === "focus") { view.focus = view.focus === m ? null : m; }
    else { view.over[m] = act; if (act === "hide" && view.focus === m) view.focus = null; }
    refresh();
  });

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
  refresh();
  /* --break NAME: each film opens on the first step that replaces NAME. */
  var breaks = bar ? (bar.getAttribute("data-break") || "").split(" ").filter(Boolean) : [];
  if (breaks.length) sections.forEach(function (sec) {
    var hit = articles(sec).filter(function (a) { return breaks.indexOf(macroOf(a)) >= 0; })[0];
    if (hit) show(sec, indexOf(sec, hit.getAttribute("data-step")));
  });
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
