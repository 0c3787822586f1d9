// Autosave for the feedback form: posts the form as a draft a moment after each change.
(function () {
  "use strict";
  const form = document.getElementById("feedback-form");
  if (!form) return;
  const status = document.querySelector("[data-testid=autosave-status]");
  let timer = null;
  let saving = false;
  let pending = false;

  function say(text) {
    if (status) status.textContent = text;
  }

  async function save() {
    if (saving) { pending = true; return; }
    saving = true;
    say("Saving…");
    try {
      const response = await fetch(form.dataset.autosaveUrl, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      });
      if (response.ok) {
        const body = await response.json();
        say("Draft saved at " + new Date(body.saved_at).toLocaleTimeString());
      } else {
        const body = await response.json().catch(() => ({}));
        say("Not saved: " + (body.error || response.statusText));
      }
    } catch (error) {
      say("Offline: your answers are still here; they will save when you're back.");
    } finally {
      saving = false;
      if (pending) { pending = false; schedule(); }
    }
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 800);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  window.addEventListener("online", schedule);
})();
