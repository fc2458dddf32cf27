// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import { unified } from '@astrojs/markdown-remark';
import remarkMath from 'remark-math';
import rehypeKatex from 'rehype-katex';
import remarkMathStrict from './src/lib/markdown/remark-math-strict.mjs';

// Telemetry stays off even when someone runs `astro` by hand.
process.env.ASTRO_TELEMETRY_DISABLED = '1';

export default defineConfig({
  site: 'http://localhost:4321',
  trailingSlash: 'always',
  build: { format: 'directory' },
  markdown: {
    // Code colours for both themes; global.css picks one by [data-theme].
    shikiConfig: { themes: { light: 'github-light-default', dark: 'github-dark-default' }, defaultColor: false },
    // throwOnError: a formula KaTeX cannot parse fails the build (file and line in the message)
    // instead of shipping a red error box or a blank article.
    processor: unified({
      remarkPlugins: [remarkMath, remarkMathStrict],
      rehypePlugins: [[rehypeKatex, { output: 'htmlAndMathml' }]],
    }),
  },
  integrations: [mdx()],
  vite: {
    server: { fs: { allow: ['..'] } },
    build: {
      rolldownOptions: {
        // MDX modules start with Astro's own "use astro:head-inject" marker; the bundler warns
        // once per lesson that it may drop it, which Astro expects. Keep other warnings.
        onLog(level, log, handler) {
          if (log.code === 'MODULE_LEVEL_DIRECTIVE' && String(log.message).includes('astro:head-inject')) return;
          handler(level, log);
        },
      },
    },
  },
});
