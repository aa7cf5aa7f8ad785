import DOMPurify from "dompurify";
import hljs from "highlight.js/lib/common";
import MarkdownIt from "markdown-it";

/**
 * Model output is untrusted. markdown-it runs with `html: false` (raw HTML
 * becomes text) and refuses `javascript:` links; DOMPurify then cleans what
 * it produced, so a renderer bug cannot turn into script.
 */
const md = new MarkdownIt({
  html: false,
  linkify: true,
  highlight,
});

/** A fenced block, highlighted as its language, or as the language highlight.js guesses. */
function highlight(code: string, lang: string): string {
  const language = lang && hljs.getLanguage(lang) ? lang : undefined;
  const html = language
    ? hljs.highlight(code, { language, ignoreIllegals: true }).value
    : hljs.highlightAuto(code).value;
  const cls = language ? ` language-${language.replace(/[^\w+#.-]/g, "")}` : "";
  return `<pre><code class="hljs${cls}">${html}</code></pre>`;
}

DOMPurify.addHook("afterSanitizeAttributes", (node) => {
  // Links open elsewhere and tell the target nothing about this page.
  if (node.tagName === "A") {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer");
  }
});

/** Markdown to sanitized HTML. */
export function renderMarkdown(text: string): string {
  return DOMPurify.sanitize(md.render(text), { USE_PROFILES: { html: true } });
}

/** Replaces an element's content with the rendered markdown. */
export function setMarkdown(el: HTMLElement, text: string): void {
  el.innerHTML = renderMarkdown(text);
}
