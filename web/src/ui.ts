// What every view shares: its context, and how it shows an error.
import { clear, h } from "./dom";
import { GraphQLError, setToken } from "./gql";
import { t } from "./i18n";

export interface ViewContext {
  /** The "as of" date (YYYY-MM-DD), or null for the server's today. */
  on: string | null;
  params: URLSearchParams;
  /** Go to another view, or to the same one with other parameters. */
  go(view: string, params?: Record<string, string>): void;
  /** Whether this render is still the current one (the user may have moved on). */
  current(): boolean;
  /** Render the current view again (after a token was given, say). */
  rerender(): void;
}

export function showError(root: HTMLElement, err: unknown, ctx?: ViewContext): void {
  const box = h("div", { class: "error", role: "alert" }, h("strong", {}, t("error")), " ");
  if (err instanceof GraphQLError) {
    box.append(`[${err.code}] ${err.message}`);
    if (err.code === "FORBIDDEN" && ctx) {
      const input = h("input", { type: "password", placeholder: "token", "aria-label": "token" });
      const ok = () => {
        setToken(input.value.trim() || null);
        ctx.rerender();
      };
      box.append(h("p", {}, t("tokenPrompt")), input, h("button", { type: "button", onclick: ok }, "OK"));
    }
  } else {
    box.append(String(err));
  }
  root.append(box);
}

/** A small status line a view updates as it loads. */
export function note(root: HTMLElement): (text: string) => void {
  const el = h("p", { class: "note" });
  root.append(el);
  return (text) => {
    clear(el);
    el.append(text);
    el.hidden = !text;
  };
}
