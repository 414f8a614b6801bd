// The plan form's milestone rows: add one from the template, remove one (marked for deletion
// and hidden). Without JavaScript the form still works with its empty rows.
document.addEventListener("DOMContentLoaded", () => {
  const list = document.getElementById("milestones");
  const template = document.getElementById("milestone-template");
  const add = document.getElementById("add-milestone");
  if (!list || !template || !add) return;
  const prefix = list.dataset.prefix;
  const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
  add.addEventListener("click", () => {
    const index = Number(total.value);
    const html = template.innerHTML.replaceAll("__prefix__", String(index));
    list.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    list.lastElementChild.querySelector("input")?.focus();
  });
  list.addEventListener("click", (event) => {
    const button = event.target.closest(".remove-milestone");
    if (!button) return;
    const row = button.closest(".milestone-row");
    row.querySelector(".milestone-delete").checked = true;
    row.hidden = true;
  });
});
