// Parallax web app: small progressive enhancements. Every page works without this file.
"use strict";

function setUpAnalyseForm() {
  const form = document.getElementById("analyse-form");
  if (!form) return;
  const add = document.getElementById("add-article");
  const holder = document.getElementById("pasted");
  add.hidden = false;
  add.addEventListener("click", () => {
    const boxes = holder.querySelectorAll("fieldset.paste");
    const last = boxes[boxes.length - 1];
    const copy = last.cloneNode(true);
    const n = boxes.length + 1;
    copy.querySelector("legend").textContent = "Pasted article " + n;
    copy.querySelectorAll("input, textarea").forEach((field) => {
      const base = field.id.replace(/-\d+$/, "");
      const label = copy.querySelector('label[for="' + field.id + '"]');
      field.id = base + "-" + n;
      if (label) label.htmlFor = field.id;
      field.value = "";
    });
    holder.appendChild(copy);
    copy.querySelector("textarea").focus();
  });
  form.addEventListener("submit", () => {
    const button = document.getElementById("analyse-button");
    const status = document.getElementById("submit-status");
    button.disabled = true;
    status.textContent = "Sending the articles…";
  });
  const problems = document.getElementById("problems");
  if (problems) problems.focus();
}

function setUpJobPage() {
  const box = document.getElementById("job");
  if (!box) return;
  const state = box.dataset.state;
  if (state !== "queued" && state !== "running") return;
  const id = box.dataset.job;
  const bar = document.getElementById("progress");
  const step = document.getElementById("job-step");
  async function poll() {
    try {
      const reply = await fetch("/api/jobs/" + encodeURIComponent(id), { headers: { Accept: "application/json" } });
      if (!reply.ok) { window.location.reload(); return; }
      const job = await reply.json();
      bar.value = Math.round(job.progress * 100);
      bar.textContent = bar.value + "%";
      const words = job.step.charAt(0).toUpperCase() + job.step.slice(1) + ".";
      if (step.textContent !== words) step.textContent = words;
      if (job.state === "done" || job.state === "failed") { window.location.reload(); return; }
    } catch (err) {
      // The server may be busy; try again.
    }
    window.setTimeout(poll, 1000);
  }
  window.setTimeout(poll, 500);
}

document.addEventListener("DOMContentLoaded", () => {
  setUpAnalyseForm();
  setUpJobPage();
});
