// A refused or failed HTMX request is never a silent dead click. (A file, not an inline
// script: the Content-Security-Policy allows scripts from 'self' only.)
//
// - The app's own error answers say how to show themselves with HX-Reswap (dialogue/error_handlers.py
//   `_error`): the error page in place of a boosted page, or a short message retargeted to
//   #messages for a button or form that replaces a part of the page. htmx does not swap
//   4xx/5xx answers (htmx-config in base.html): these ones are swapped.
// - Anything else (no answer at all: server down, network lost; or an error answer that is
//   not the app's, e.g. from a proxy) gets a message here, in the page's language: the
//   texts are data- attributes of #messages, translated by the server.
(function () {
  "use strict";

  function area() {
    return document.getElementById("messages");
  }

  function say(text) {
    const messages = area();
    if (!messages || !text) return;
    const alert = document.createElement("div");
    alert.className = "alert error";
    alert.setAttribute("role", "alert");
    const paragraph = document.createElement("p");
    paragraph.textContent = text;
    const close = document.createElement("button");
    close.type = "button";
    close.className = "link";
    close.setAttribute("data-dismiss", "");
    close.textContent = messages.dataset.close || "×";
    alert.append(paragraph, close);
    messages.replaceChildren(alert);
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    const xhr = event.detail.xhr;
    if (xhr.status >= 400 && xhr.getResponseHeader("HX-Reswap")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    const messages = area();
    if (messages) say((messages.dataset.serverError || "").replace("{status}", String(event.detail.xhr.status)));
  });

  document.addEventListener("htmx:sendError", function () {
    const messages = area();
    if (messages) say(messages.dataset.networkError);
  });

  // A new request: the previous message no longer applies.
  document.addEventListener("htmx:beforeRequest", function () {
    const messages = area();
    if (messages) messages.replaceChildren();
  });

  document.addEventListener("click", function (event) {
    const close = event.target.closest("#messages [data-dismiss]");
    if (close) close.closest(".alert").remove();
  });
})();
