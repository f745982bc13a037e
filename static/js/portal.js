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
