// Progressive enhancement of /operateur/pilotage: without this script the page is a
// plain page with an "Actualiser" link. With it, the live part is fetched again every
// data-refresh-seconds and swapped in; a button pauses it (WCAG 2.2.2), and a polite
// status says when the figures were last updated (the figures themselves are not
// announced, so a screen reader is not interrupted every few seconds).
(function () {
  "use strict";
  var live = document.getElementById("pilotage-direct");
  if (!live || !window.fetch) { return; }
  var url = live.getAttribute("data-refresh-url");
  var seconds = parseInt(live.getAttribute("data-refresh-seconds"), 10) || 15;
  var status = document.getElementById("pilotage-etat");
  var manual = document.getElementById("pilotage-actualiser");
  var paused = false;
  var timer = null;

  var button = document.createElement("button");
  button.type = "button";
  button.className = "fr-btn fr-btn--secondary fr-btn--sm";
  button.id = "pilotage-pause";
  button.textContent = "Mettre en pause l'actualisation";
  if (manual) { manual.parentNode.replaceChild(button, manual); }
  if (status) {
    status.textContent = "Actualisation automatique toutes les " + seconds + " secondes.";
  }

  function say(text) { if (status) { status.textContent = text; } }

  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" }, cache: "no-store" })
      .then(function (answer) {
        if (answer.redirected || !answer.ok) { throw new Error(String(answer.status)); }
        return answer.text();
      })
      .then(function (html) {
        live.innerHTML = html;
        var when = live.querySelector("[data-computed]");
        say("Chiffres mis à jour à " + (when ? when.getAttribute("data-computed") : "l'instant") +
            " ; prochaine actualisation dans " + seconds + " secondes.");
      })
      .catch(function () {
        say("La mise à jour n'a pas abouti ; nouvel essai dans " + seconds +
            " secondes. Si cela dure, rechargez la page (votre session a peut-être expiré).");
      })
      .then(schedule);
  }

  function schedule() {
    window.clearTimeout(timer);
    if (!paused) { timer = window.setTimeout(refresh, seconds * 1000); }
  }

  button.addEventListener("click", function () {
    paused = !paused;
    button.textContent = paused ? "Reprendre l'actualisation" : "Mettre en pause l'actualisation";
    say(paused ? "Actualisation en pause." : "Actualisation reprise.");
    if (!paused) { refresh(); }
  });
  schedule();
})();
