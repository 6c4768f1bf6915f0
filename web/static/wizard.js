// The wizard without round trips for the common case: a secret env row's value field becomes
// a password field as soon as its "secret" box is ticked. Everything else (rows, triggers,
// review) posts the form, so the wizard works the same without JavaScript.
for (const box of document.querySelectorAll('input[type=checkbox][name^="env."][name$=".secret"]')) {
  box.addEventListener("change", () => {
    const value = document.getElementById(box.id.replace(/-secret$/, "-value"));
    if (value) value.type = box.checked ? "password" : "text";
  });
}
