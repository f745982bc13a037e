// Staff pages of the surveys app. The public survey page needs no script at all.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
