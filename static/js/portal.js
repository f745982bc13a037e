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
