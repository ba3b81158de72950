// Renders a .onefront file with the VS Code extension's TextMate grammar
// (through shiki, the highlighter of VitePress and many docs sites) into one
// HTML page. Each token's span carries the grammar's scopes in
// `data-scopes`, so a test can check what the grammar said, not only colours.
//
//   NODE_PATH=.tools/npm/node_modules node scripts/render-picture.mjs GRAMMAR INPUT OUTPUT
import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const [grammarPath, inputPath, outputPath] = process.argv.slice(2);
if (!outputPath) {
  console.error("usage: render-picture.mjs GRAMMAR INPUT OUTPUT");
  process.exit(2);
}

// NODE_PATH does not reach ES module imports; resolve through require.
const shiki = await import(require.resolve("shiki"));
const grammar = JSON.parse(readFileSync(grammarPath, "utf8"));
const code = readFileSync(inputPath, "utf8").replace(/\n$/, "");
const highlighter = await shiki.createHighlighter({
  themes: ["github-light"],
  langs: [{ ...grammar, name: "onefront" }],
});

const html = highlighter.codeToHtml(code, {
  lang: "onefront",
  theme: "github-light",
  includeExplanation: "scopeName",
  transformers: [
    {
      span(node, _line, _col, _lineElement, token) {
        // The innermost scopes of every part of the token, outermost first.
        const scopes = new Set();
        for (const part of token.explanation ?? []) {
          for (const scope of part.scopes) scopes.add(scope.scopeName);
        }
        node.properties["data-scopes"] = [...scopes].join(" ");
      },
    },
  ],
});

const title = basename(inputPath);
const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title}</title>
<style>
  body { margin: 0; background: #f6f8fa; }
  figure { margin: 0; padding: 20px 24px; }
  figcaption { font: 600 13px/1.4 sans-serif; color: #57606a; margin-bottom: 8px; }
  pre.shiki { margin: 0; padding: 16px 20px; border: 1px solid #d0d7de; border-radius: 6px;
              font: 14px/1.5 "DejaVu Sans Mono", monospace; }
</style>
</head>
<body>
<figure>
<figcaption>${title}, highlighted by the onefront VS Code grammar</figcaption>
${html}
</figure>
</body>
</html>
`;
writeFileSync(outputPath, page);
