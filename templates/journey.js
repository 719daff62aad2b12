// macrotrace journey page: "open / close every station". The page reads the same without it.
(function () {
  "use strict";
  var open = document.getElementById("open-all"), close = document.getElementById("close-all");
  if (!open || !close) return;
  function setAll(value) {
    var all = document.querySelectorAll(".station > details");
    for (var i = 0; i < all.length; i++) all[i].open = value;
  }
  open.hidden = close.hidden = false;
  open.addEventListener("click", function () { setAll(true); });
  close.addEventListener("click", function () { setAll(false); });
  window.addEventListener("beforeprint", function () { setAll(true); });
})();
