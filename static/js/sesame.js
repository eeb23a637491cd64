/* Sésame: small behaviours, loaded with `defer` (CSP script-src 'self': no inline code).
 *  - select[data-autosubmit]: submits its form when a choice is made with the mouse or touch,
 *    or confirmed with Enter. Arrowing through a closed list with the keyboard does not submit
 *    (that would leave the page on every key press); the form's own button stays for that.
 *  - form[data-confirm]: asks the attribute's question before sending; cancel keeps the page.
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
