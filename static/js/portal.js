// Own behaviour only. Adds household rows from the formset's empty template (no inline scripts: CSP).
document.addEventListener("click", function (event) {
  const button = event.target.closest("[data-formset-add]");
  if (!button) return;
  const prefix = button.dataset.formsetAdd;
  const total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
  const template = document.getElementById(prefix + "-empty");
  const target = document.getElementById(prefix + "-rows");
  if (!total || !template || !target) return;
  const index = parseInt(total.value, 10);
  target.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, String(index)));
  total.value = String(index + 1);
});

// Copy buttons: <button data-copy="ID" data-copied-label="…"> copies the value of the input #ID (a survey
// link to paste into WhatsApp, say); the input stays selectable by hand too (data-select-on-focus).
document.addEventListener("focusin", function (event) {
  if (event.target.matches && event.target.matches("[data-select-on-focus]")) event.target.select();
});
document.addEventListener("click", function (event) {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const field = document.getElementById(button.dataset.copy);
  if (!field) return;
  const label = button.dataset.label || (button.dataset.label = button.textContent);
  const done = function () {
    button.textContent = button.dataset.copiedLabel || label;
    const status = document.querySelector('[data-copy-status="' + button.dataset.copy + '"]');
    if (status) status.textContent = button.dataset.copiedLabel || "";
    setTimeout(function () { button.textContent = label; }, 2000);
  };
  field.focus();
  field.select();
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(done, function () {
      if (document.execCommand("copy")) done();
    });
  } else if (document.execCommand("copy")) {
    done();
  }
});

// A form is sent once: while a POST form is on its way its submit buttons are disabled, and a second
// submit is ignored. (The server creates one record however often a form arrives: its one-time token,
// association.form_tokens; this spares the user the doubt.) htmx forms are left to htmx. The buttons come
// back after a while, for forms that answer with a download and stay on the page, and when the browser
// restores the page from its back-forward cache.
(function () {
  const BUTTONS = 'button[type="submit"], button:not([type]), input[type="submit"]';
  const release = function (form) {
    delete form.dataset.submitting;
    form.querySelectorAll(BUTTONS).forEach(function (button) {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    });
  };
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (event.defaultPrevented || (form.getAttribute("method") || "get").toLowerCase() !== "post") return;
    if (form.hasAttribute("hx-post") || form.hasAttribute("data-hx-post")) return;
    if (form.dataset.submitting) {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "1";
    // After this event: the button that was clicked must still be sent with the form (its name/value).
    setTimeout(function () {
      form.querySelectorAll(BUTTONS).forEach(function (button) {
        button.disabled = true;
        button.setAttribute("aria-busy", "true");
      });
    }, 0);
    setTimeout(function () { release(form); }, 10000);
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) document.querySelectorAll("form[data-submitting]").forEach(release);
  });
})();
