import { byId } from "./dom.js";

let open: Promise<string> | undefined;

/**
 * Asks for the API key in the modal dialog of index.html. Calls that fail
 * together share one prompt. The dialog stays until a key is given: without
 * one, nothing on this server answers.
 */
export function askForKey(message: string): Promise<string> {
  open ??= new Promise<string>((resolve) => {
    const dialog = byId<HTMLDialogElement>("key-dialog");
    const form = byId<HTMLFormElement>("key-form");
    const input = byId<HTMLInputElement>("key-input");
    byId("key-message").textContent = message;
    input.value = "";
    const onCancel = (e: Event) => e.preventDefault();
    const onSubmit = (e: SubmitEvent) => {
      e.preventDefault();
      const key = input.value.trim();
      if (!key) return input.focus();
      form.removeEventListener("submit", onSubmit);
      dialog.removeEventListener("cancel", onCancel);
      dialog.close();
      open = undefined;
      resolve(key);
    };
    form.addEventListener("submit", onSubmit);
    dialog.addEventListener("cancel", onCancel);
    dialog.showModal();
    input.focus();
  });
  return open;
}
