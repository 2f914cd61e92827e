// The address bar tells the truth about the page.
//
// 1. The language buttons go back to the page as the address bar shows it now: htmx changes
//    the address (filters, search, pages of a list) without reloading the page, so the `next`
//    the server wrote into the form may be out of date. The server still accepts only a local
//    path (accounts.browser.safe_next).
document.addEventListener("submit", function (event) {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.matches("form.language") && form.elements.next) {
    form.elements.next.value = window.location.pathname + window.location.search;
  }
});

// 2. A list's filter form refreshes on `change`. A search box fires `change` when it loses
//    focus, which happens when the user clicks a result: the form's request (which pushes the
//    list's address) then raced the link's and left the list's address over the record. The
//    search box has its own triggers (typing, Enter), so its `change` stops here.
document.addEventListener("change", function (event) {
  if (event.target instanceof HTMLInputElement && event.target.matches('form[role="search"] input[type="search"]')) {
    event.stopPropagation();
  }
}, true);

// 3. An answer that arrives after the user has gone to another page (a result clicked while
//    the search typed just before was still on its way, on a slow line) belongs to a page no
//    longer shown: it must not push the list's address over the record that opened. Requests
//    are numbered as they start; an answer older than the last page navigation (a boosted
//    link or form) leaves the address as it is.
let requests = 0;
let lastNavigation = 0;
document.addEventListener("htmx:beforeRequest", function (event) {
  const detail = event.detail || {};
  if (!detail.xhr) return;
  requests += 1;
  detail.xhr.dialogueRequest = requests;
  if (detail.boosted) lastNavigation = requests;
});
document.addEventListener("htmx:beforeHistoryUpdate", function (event) {
  const detail = event.detail || {};
  const number = detail.xhr && detail.xhr.dialogueRequest;
  if (detail.history && number && number < lastNavigation) {
    detail.history.type = "replace";
    detail.history.path = window.location.pathname + window.location.search + window.location.hash;
  }
});
