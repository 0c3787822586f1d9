// The round form (schedule or edit): the agenda template, the agenda and the rubric follow
// the kind of round until the person changes them, and the summary shows what will be
// created. The server applies the same rule without this script (see RoundForm); this
// keeps the hidden fields `defaults_kind` and `agenda_source` current, so a submit creates
// at once what the page shows.
(function () {
  "use strict";
  const form = document.getElementById("round-form");
  const dataNode = document.getElementById("round-defaults");
  if (!form || !dataNode) return;
  const defaults = JSON.parse(dataNode.textContent);
  const field = (name) => form.elements.namedItem(name);
  const kind = field("kind");
  const template = field("agenda_template");
  const agenda = field("agenda");
  const rubric = field("rubric");
  const shownKind = field("defaults_kind");
  const source = field("agenda_source");
  const announce = document.getElementById("summary-announce");
  if (!kind || !template || !agenda || !rubric || !shownKind || !source) return;

  const lines = (text) =>
    text.replace(/\r/g, "").split("\n").map((l) => l.trim()).filter((l) => l);
  const sameText = (a, b) => {
    const x = lines(a), y = lines(b);
    return x.length === y.length && x.every((l, i) => l === y[i]);
  };

  function parsePhases(text) {
    const phases = [];
    for (const line of lines(text)) {
      const at = line.lastIndexOf(",");
      const minutes = Number(line.slice(at + 1).trim());
      if (at < 0 || !Number.isInteger(minutes) || minutes < 1) return null;
      phases.push({ name: line.slice(0, at).trim(), minutes: minutes });
    }
    return phases;
  }

  function rubricTitle() {
    const option = rubric.selectedOptions[0];
    if (option && option.value) return option.textContent.trim();
    const fallback = defaults.rubrics[kind.value];
    const match = fallback && rubric.querySelector('option[value="' + fallback + '"]');
    return match ? match.textContent.trim() : "None";
  }

  function renderSummary() {
    const text = agenda.value.trim() ? agenda.value : defaults.templates[template.value] || "";
    const phases = parsePhases(text);
    const list = form.querySelector('[data-summary="phases"]');
    const minutes = form.querySelector('[data-summary="minutes"]');
    form.querySelector('[data-summary="kind"]').textContent = defaults.kinds[kind.value] || "";
    form.querySelector('[data-summary="rubric"]').textContent = rubricTitle();
    list.replaceChildren();
    if (phases === null) {
      minutes.textContent = "?";
      const item = document.createElement("li");
      item.textContent = "The agenda has a line to fix: write 'Phase name, minutes'.";
      list.append(item);
      return;
    }
    minutes.textContent = String(phases.reduce((sum, p) => sum + p.minutes, 0));
    for (const phase of phases) {
      const item = document.createElement("li");
      const length = document.createElement("span");
      length.className = "muted";
      length.textContent = phase.minutes + " min";
      item.append(phase.name + " ", length);
      list.append(item);
    }
  }

  function followTemplate() {
    // The agenda text follows its template while it is what the template filled in.
    const from = source.value;
    const untouched = !agenda.value.trim() ||
      (from in defaults.templates && sameText(agenda.value, defaults.templates[from]));
    if (template.value !== from && untouched && template.value in defaults.templates) {
      agenda.value = defaults.templates[template.value];
      source.value = template.value;
    }
  }

  kind.addEventListener("change", function () {
    const before = shownKind.value;
    const now = kind.value;
    if (before === now) return;
    const followed = [];
    if (template.value === before && now in defaults.templates) {
      template.value = now;
      followed.push("agenda");
    }
    const previousRubric = String(defaults.rubrics[before] || "");
    if (rubric.value === "" || rubric.value === previousRubric) {
      rubric.value = String(defaults.rubrics[now] || "");
      followed.push("rubric");
    }
    shownKind.value = now;
    followTemplate();
    renderSummary();
    if (announce && followed.length) {
      announce.textContent = "The " + followed.join(" and ") + " now follow " +
        (defaults.kinds[now] || now) + ".";
    }
  });
  template.addEventListener("change", function () { followTemplate(); renderSummary(); });
  agenda.addEventListener("input", function () {
    // Edited by hand: it no longer follows any template.
    if (!(source.value in defaults.templates) || !sameText(agenda.value, defaults.templates[source.value])) {
      source.value = "";
    }
    renderSummary();
  });
  rubric.addEventListener("change", renderSummary);

  // The summary is live now; the server round-trip button is for pages without this script.
  const preview = form.querySelector("[data-preview-button]");
  if (preview) preview.closest(".summary-refresh").hidden = true;
  renderSummary();
})();
