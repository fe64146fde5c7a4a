/**
 * What the playground and the admin page share: the document head up to their own styles, and the
 * base rules (colours, layout, headings, fieldsets, labels, buttons). Each page appends its own
 * rules and closes the style element.
 */
export const pageStart = (title: string, maxWidth: string) => /* html */ `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Workers AI OpenAI proxy: ${title}</title>
<style>
  :root { color-scheme: light dark; --accent: #f38020; font-family: system-ui, sans-serif; }
  body { max-width: ${maxWidth}; margin: 0 auto; padding: 1rem; line-height: 1.45; }
  header { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; justify-content: space-between; }
  h1 { font-size: 1.3rem; margin: 0; }
  fieldset { border: 1px solid #8884; border-radius: .5rem; margin: 1rem 0; }
  label { display: inline-flex; gap: .4rem; align-items: center; margin: .25rem .75rem .25rem 0; }
  button { background: var(--accent); color: #fff; border: 0; border-radius: .35rem; cursor: pointer; }`;
