// Putting data into HTML safely.
/**
 * JSON for a <script type="application/json"> element: "<", ">" and "&" become \u escapes, so no
 * text in the data can close the element ("</script>") or open a comment; U+2028/9 are escaped too.
 * JSON.parse of the element's text gives back exactly the value.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Text for an HTML element or a double-quoted attribute. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
