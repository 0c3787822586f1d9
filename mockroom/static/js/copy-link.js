// Copy buttons for invite links: each button copies the field it names and says so.
// Without this script the buttons stay hidden and the read-only fields can be selected.
(function () {
  "use strict";
  function fallbackCopy(input) {
    input.focus();
    input.select();
    return document.execCommand && document.execCommand("copy");
  }
  async function copy(input) {
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(input.value);
        return true;
      }
    } catch (error) {
      // Refused (no permission or not focused): try the older way below.
    }
    return fallbackCopy(input);
  }
  for (const button of document.querySelectorAll("[data-copy-target]")) {
    const input = document.getElementById(button.dataset.copyTarget);
    const status = document.getElementById(button.dataset.copyStatus);
    if (!input) continue;
    button.hidden = false;
    const text = button.querySelector("[data-copy-text]") || button;
    let timer = null;
    button.addEventListener("click", async function () {
      const ok = await copy(input);
      const label = button.dataset.copyLabel || "Link";
      if (status) {
        status.textContent = ok ? label + " copied" : "Couldn't copy: select the link and copy it";
        status.hidden = false;
      }
      text.textContent = ok ? "Copied" : "Copy";
      button.classList.toggle("copied", !!ok);
      clearTimeout(timer);
      timer = setTimeout(function () {
        text.textContent = "Copy";
        button.classList.remove("copied");
      }, 4000);
    });
  }
})();
