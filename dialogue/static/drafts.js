// What a person types survives until the server has it, and a session about to end says so.
//
// 1. Drafts: the text fields and text areas of every form that posts are copied to this
//    browser's localStorage as they are typed (keyed by account, page, form action and
//    field). When the page is shown again with other values (the session had expired, the
//    tab was closed, the browser crashed) the text is put back, with a notice and a way to
//    discard it. A successful save (2xx/3xx) forgets the draft.
// 2. Idle warning: a few minutes before the session's idle timeout, a banner offers to stay
//    signed in (it touches the session); after the timeout, it says so and links to sign in.
// 3. After an edit refused as stale (409), the "Use my text" buttons put the person's text
//    back in its field (templates/_macros.html, `yours`).
//
// The page describes itself in #page-info (base.html): account, page path, idle minutes and
// translated texts. No inline script (the CSP allows only 'self').
(function () {
  "use strict";

  var PREFIX = "dialogue-draft";
  var MAX_AGE = 7 * 24 * 3600 * 1000; // older drafts are forgotten
  var SKIPPED = ["_csrf_token", "_form_key", "version", "next", "password", "current_password", "new_password", "repeat_password"];

  function info() {
    var node = document.getElementById("page-info");
    return node ? node.dataset : {};
  }

  function store() {
    try {
      return window.localStorage;
    } catch (e) {
      return null; // storage disabled: drafts are simply not kept
    }
  }

  function actionOf(form) {
    return new URL(form.getAttribute("action") || window.location.pathname, window.location.href).pathname;
  }

  function keyOf(form) {
    var page = info();
    if (!page.account) return null;
    return [PREFIX, page.account, page.path || window.location.pathname, actionOf(form)].join("|");
  }

  // A form that sends a file is left out: the file cannot be kept, and the page is left when
  // it is sent (no htmx), so a successful upload could not forget its draft.
  function draftable(form) {
    return (
      (form.getAttribute("method") || "").toLowerCase() === "post" &&
      (form.getAttribute("enctype") || "").toLowerCase() !== "multipart/form-data" &&
      !form.closest("[data-no-drafts]")
    );
  }

  function textFields(form) {
    return Array.prototype.filter.call(form.elements, function (field) {
      if (!field.name || SKIPPED.indexOf(field.name) !== -1 || field.disabled || field.readOnly) return false;
      if (field.tagName === "TEXTAREA") return true;
      return field.tagName === "INPUT" && ["text", "search", "email", "url", "tel"].indexOf(field.type) !== -1;
    });
  }

  function read(key) {
    var storage = store();
    if (!storage || !key) return null;
    try {
      var draft = JSON.parse(storage.getItem(key) || "null");
      if (draft && Date.now() - draft.saved > MAX_AGE) {
        storage.removeItem(key);
        return null;
      }
      return draft;
    } catch (e) {
      return null;
    }
  }

  function save(form) {
    var storage = store();
    var key = keyOf(form);
    if (!storage || !key) return;
    var fields = {};
    var changed = false;
    textFields(form).forEach(function (field) {
      fields[field.name] = field.value;
      if (field.value !== field.defaultValue) changed = true;
    });
    try {
      if (changed) storage.setItem(key, JSON.stringify({ saved: Date.now(), fields: fields }));
      else storage.removeItem(key);
    } catch (e) {
      /* storage full: nothing more to do */
    }
  }

  function forget(form) {
    var storage = store();
    var key = form && keyOf(form);
    if (storage && key) storage.removeItem(key);
  }

  function notice(form, restored) {
    var page = info();
    var box = document.createElement("div");
    box.className = "alert warn draft-restored";
    box.setAttribute("role", "status");
    var text = document.createElement("p");
    text.textContent = page.draftRestored || "";
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "button small secondary";
    discard.textContent = page.draftDiscard || "";
    discard.addEventListener("click", function () {
      restored.forEach(function (field) {
        field.value = field.defaultValue;
      });
      forget(form);
      box.remove();
    });
    box.appendChild(text);
    box.appendChild(discard);
    form.insertBefore(box, form.firstChild);
  }

  function restore(root) {
    var forms = root.tagName === "FORM" ? [root] : Array.prototype.slice.call(root.querySelectorAll("form"));
    forms.filter(draftable).forEach(function (form) {
      if (form.dataset.draftChecked) return;
      form.dataset.draftChecked = "1";
      // A form refused as stale shows the text beside the current values itself (409):
      // the fields keep the current values, the draft stays until a save.
      if (form.querySelector(".yours")) return;
      var draft = read(keyOf(form));
      if (!draft) return;
      var restored = textFields(form).filter(function (field) {
        var typed = draft.fields[field.name];
        if (typeof typed !== "string" || typed === field.value) return false;
        field.value = typed;
        return true;
      });
      if (restored.length) {
        notice(form, restored);
        var details = form.closest("details");
        if (details) details.open = true;
      }
    });
  }

  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (form && draftable(form)) save(form);
  });

  // A save that worked (2xx, 3xx) forgets the draft: before the answer is swapped in (so
  // that a fresh empty form is not refilled), and after it for answers that only redirect.
  function saved(event) {
    var detail = event.detail || {};
    var status = detail.xhr ? detail.xhr.status : 0;
    var elt = detail.requestConfig ? detail.requestConfig.elt : detail.elt;
    var form = elt && (elt.tagName === "FORM" ? elt : elt.form || (elt.closest && elt.closest("form")));
    if (form && status >= 200 && status < 400 && (detail.requestConfig || {}).verb !== "get") forget(form);
  }
  document.addEventListener("htmx:beforeSwap", saved);
  document.addEventListener("htmx:afterRequest", saved);

  // A form sent without htmx (hx-boost="false") leaves the page: if it comes back with the
  // same values, nothing differs and nothing is restored.

  // "Use my text" after a stale edit.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-use-mine]");
    if (!button) return;
    var field = document.getElementById(button.dataset.useMine);
    if (!field) return;
    field.value = button.dataset.mine;
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.focus();
    button.closest(".yours").classList.add("used");
  });

  // Idle warning ------------------------------------------------------------------------
  var warnTimer = null;
  var endTimer = null;

  function banner() {
    return document.getElementById("session-warning");
  }

  function showBanner(ended) {
    var node = banner();
    if (!node) return;
    node.hidden = false;
    node.classList.toggle("ended", ended);
    node.querySelector("[data-session-soon]").hidden = ended;
    node.querySelector("[data-session-ended]").hidden = !ended;
  }

  function armIdleTimers() {
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    var node = banner();
    var minutes = parseFloat(info().idleMinutes || "0");
    if (!node || !minutes) return;
    node.hidden = true;
    // The server records activity at most once a minute: warn 3 minutes before the end so
    // that the warning is up at least 2 minutes before the session really ends.
    var idle = minutes * 60 * 1000;
    var lead = Math.min(3 * 60 * 1000, idle / 2);
    warnTimer = window.setTimeout(function () { showBanner(false); }, idle - lead);
    endTimer = window.setTimeout(function () { showBanner(true); }, idle);
  }

  // Every request to the server (a click, a save, "stay signed in") counts as activity.
  document.addEventListener("htmx:afterRequest", function (event) {
    var status = event.detail && event.detail.xhr ? event.detail.xhr.status : 0;
    if (status && status !== 401) armIdleTimers();
  });

  // A page, or a part of it, came from the server: drafts for its forms, and the idle
  // timers start again (the request was activity).
  function start(root) {
    restore(root);
    armIdleTimers();
  }

  document.addEventListener("htmx:load", function (event) {
    start(event.target);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { start(document.body); });
  } else {
    start(document.body);
  }
})();
