// "Copy the text" buttons (data-copy="<id of the element whose text to copy>"): hidden
// until this script shows them, so that without JavaScript the text is simply selectable.
(function () {
  function reveal(root) {
    (root || document).querySelectorAll("button[data-copy][hidden]").forEach(function (button) {
      button.hidden = false;
    });
  }

  function selectText(element) {
    const range = document.createRange();
    range.selectNodeContents(element);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  document.addEventListener("click", function (event) {
    const button = event.target instanceof Element ? event.target.closest("button[data-copy]") : null;
    if (!button) return;
    const source = document.getElementById(button.dataset.copy);
    if (!source) return;
    const status = button.parentElement && button.parentElement.querySelector("[data-copy-status]");
    const say = function (text) { if (status) status.textContent = text; };
    const text = source.innerText;
    const fallback = function () {
      selectText(source);
      let copied = false;
      try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
      say(copied ? button.dataset.copied : button.dataset.failed);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { say(button.dataset.copied); }, fallback);
    } else {
      fallback();
    }
  });

  document.addEventListener("DOMContentLoaded", function () { reveal(document); });
  document.addEventListener("htmx:load", function (event) { reveal(event.target); });
})();
