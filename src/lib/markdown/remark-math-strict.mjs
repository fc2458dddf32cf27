// Fails the build on a formula KaTeX cannot parse. rehype-katex only records a warning and
// renders a red error span, which would ship a broken lesson; Distill lost whole articles
// that way. The thrown message names the file and line.
import katex from 'katex';

/** @param {any} node @param {(n: any) => void} fn */
function walk(node, fn) {
  fn(node);
  if (Array.isArray(node.children)) for (const child of node.children) walk(child, fn);
}

export default function remarkMathStrict() {
  /** @param {any} tree @param {any} file */
  return (tree, file) => {
    walk(tree, (node) => {
      if (node.type !== 'math' && node.type !== 'inlineMath') return;
      try {
        katex.renderToString(node.value, { throwOnError: true, strict: 'error', displayMode: node.type === 'math' });
      } catch (error) {
        const line = node.position?.start?.line ?? '?';
        const where = `${file.path ?? file.history?.[0] ?? '<unknown file>'}:${line}`;
        throw new Error(`KaTeX cannot typeset the formula at ${where}: ${/** @type {Error} */ (error).message}\n  ${node.value}`);
      }
    });
  };
}
