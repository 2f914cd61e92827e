// The language buttons go back to the page as the address bar shows it now: htmx changes
// the address (filters, search, pages of a list) without reloading the page, so the `next`
// the server wrote into the form may be out of date. The server still accepts only a local
// path (accounts.routes.safe_next).
document.addEventListener("submit", function (event) {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.matches("form.language") && form.elements.next) {
    form.elements.next.value = window.location.pathname + window.location.search;
  }
});
