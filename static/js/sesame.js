/* Sésame: small behaviours, loaded with `defer` (CSP script-src 'self': no inline code).
 *  - select[data-autosubmit]: submits its form when a choice is made with the mouse or touch,
 *    or confirmed with Enter. Arrowing through a closed list with the keyboard does not submit
 *    (that would leave the page on every key press); the form's own button stays for that.
 *  - form[data-confirm]: asks the attribute's question before sending; cancel keeps the page.
 *  - htmx (forms with data-hx-post answer a part of the page): no eval, then the keyboard keeps
 *    its place when the part it was in is swapped.
 *  - [data-error-summary]: the error summary of a form sent back with errors takes focus.
 */
(function () {
  "use strict";

  var keyboardChoice = new WeakSet();

  document.addEventListener("keydown", function (event) {
    var select = event.target;
    if (!(select instanceof HTMLSelectElement) || !select.hasAttribute("data-autosubmit")) return;
    if (event.key === "Enter") {
      if (keyboardChoice.has(select) && select.form) {
        event.preventDefault();
        keyboardChoice.delete(select);
        select.form.requestSubmit();
      }
    } else if (event.key !== "Tab" && event.key !== "Shift") {
      keyboardChoice.add(select);
    }
  });

  document.addEventListener("pointerdown", function (event) {
    if (event.target instanceof Element) {
      var select = event.target.closest("select[data-autosubmit]");
      if (select) keyboardChoice.delete(select);
    }
  });

  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!(select instanceof HTMLSelectElement) || !select.hasAttribute("data-autosubmit")) return;
    if (keyboardChoice.has(select) || !select.form) return;
    select.form.requestSubmit();
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // htmx: the CSP allows no eval and no inline script, so htmx is told not to try. The CSRF
  // token goes with every request from <body data-hx-headers> (forms also post their own).
  if (window.htmx) {
    window.htmx.config.allowEval = false;
    window.htmx.config.allowScriptTags = false;
  }

  // After a swap, htmx puts focus back on a control with the same id. When the control is gone
  // (a row's « Approuver » once approved), focus goes to the first button left in its row; an
  // element marked data-focus in the new content (a refusal) takes focus and comes into view.
  var focusRow = null;
  document.addEventListener("htmx:beforeRequest", function () {
    var active = document.activeElement;
    var row = active && active.closest ? active.closest("tr[id]") : null;
    focusRow = row ? row.id : null;
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var marked = event.target instanceof Element
      ? event.target.querySelector("[data-focus], [data-error-summary]") : null;
    if (marked) {
      marked.focus();
      marked.scrollIntoView({ block: "nearest" });
    } else if (focusRow && (!document.activeElement || document.activeElement === document.body)) {
      var row = document.getElementById(focusRow);
      var control = row && (row.querySelector(".actions-cell button") || row.querySelector("input"));
      if (control) control.focus();
    }
    focusRow = null;
  });

  // A form the server sent back with errors: focus starts on its error summary
  // (templates/components/error_summary.html), which links to each field in error.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();

  // Mark that scripts run, for styles that only make sense with JavaScript.
  document.documentElement.classList.add("js");

  // On narrow screens the navigation scrolls sideways: keep the current item in view.
  var current = document.querySelector(".main-nav [aria-current]");
  if (current && current.scrollIntoView) current.scrollIntoView({ block: "nearest", inline: "nearest" });

  // Close the user menu when clicking elsewhere or pressing Escape.
  function closeMenus(except) {
    document.querySelectorAll("details.user-menu[open]").forEach(function (menu) {
      if (menu !== except) menu.removeAttribute("open");
    });
  }
  document.addEventListener("click", function (event) {
    var inside = event.target instanceof Element ? event.target.closest("details.user-menu") : null;
    closeMenus(inside);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = document.querySelector("details.user-menu[open]");
    if (open) {
      open.removeAttribute("open");
      open.querySelector("summary").focus();
    }
  });
})();
