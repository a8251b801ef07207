// Progressive enhancement of the order grid (the form works the same without it):
// focus on the error summary after a refused save, row and column totals kept up to
// date while typing, a check against each cell's cap before sending, and a warning
// before leaving the page with changes not saved. Orders still checks everything.
(function () {
  "use strict";
  var form = document.querySelector("form[data-grid]");
  var summary = document.getElementById("erreurs");
  if (summary) { summary.focus(); }
  if (!form) { return; }
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[name^='v|']"));
  var dirty = false;
  var sending = false;

  function valueOf(input) {
    var text = input.value.replace(/[\s\u202f\u00a0]/g, "");
    if (text === "") { return 0; }
    return /^[0-9]+$/.test(text) ? parseInt(text, 10) : null;
  }

  function format(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f"); }

  function totals() {
    var rows = {}, cols = {}, grand = 0;
    inputs.forEach(function (input) {
      var n = valueOf(input) || 0;
      rows[input.dataset.row] = (rows[input.dataset.row] || 0) + n;
      cols[input.dataset.col] = (cols[input.dataset.col] || 0) + n;
      grand += n;
    });
    form.querySelectorAll("[data-row-total]").forEach(function (cell) {
      cell.textContent = format(rows[cell.getAttribute("data-row-total")] || 0);
    });
    form.querySelectorAll("[data-col-total]").forEach(function (cell) {
      cell.textContent = format(cols[cell.getAttribute("data-col-total")] || 0);
    });
    var all = form.querySelector("[data-grand-total]");
    if (all) { all.textContent = format(grand); }
  }

  function mark(input, message) {
    var group = input.closest(".fr-input-group");
    var id = input.id + "-verif";
    var note = document.getElementById(id);
    var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (x) { return x && x !== id; });
    if (message) {
      if (!note) {
        note = document.createElement("p");
        note.id = id;
        note.className = "fr-error-text app-cell-error";
        input.parentNode.appendChild(note);
      }
      note.textContent = message;
      described.push(id);
      input.setAttribute("aria-invalid", "true");
      input.classList.add("fr-input--error");
      if (group) { group.classList.add("fr-input-group--error"); }
    } else if (note) {
      note.parentNode.removeChild(note);
      input.removeAttribute("aria-invalid");
      input.classList.remove("fr-input--error");
      if (group) { group.classList.remove("fr-input-group--error"); }
    }
    input.setAttribute("aria-describedby", described.join(" "));
  }

  function check(input) {
    var n = valueOf(input);
    var max = input.dataset.max ? parseInt(input.dataset.max, 10) : null;
    if (n === null) { mark(input, "Saisissez un nombre entier de flacons (0 ou vide pour ne rien commander)."); return false; }
    if (max !== null && n > max) { mark(input, n + " dépasse le maximum de " + max + " flacons pour ce type."); return false; }
    mark(input, "");
    return true;
  }

  inputs.forEach(function (input) {
    input.addEventListener("input", function () { dirty = true; totals(); });
    input.addEventListener("change", function () { check(input); });
  });

  form.addEventListener("submit", function (event) {
    var wrong = inputs.filter(function (input) { return !input.disabled && !check(input); });
    if (wrong.length) {
      event.preventDefault();
      wrong[0].focus();
      return;
    }
    sending = true;
  });

  window.addEventListener("beforeunload", function (event) {
    if (dirty && !sending) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
