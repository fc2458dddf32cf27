import type { Lang } from './lang';

/** Interface strings. Every key exists in both languages (the type makes a missing one an error). */
const strings = {
  siteTitle: { en: 'IP-Adapter, by running it', zh: '动手学 IP-Adapter' },
  siteTagline: {
    en: 'An interactive course: tokens, attention, LoRA and IP-Adapter — and the real pipeline on your own GPU.',
    zh: '一门可以动手的课：token、注意力、LoRA 与 IP-Adapter——最后在你自己的显卡上跑真正的 IP-Adapter 流程。',
  },
  skipToContent: { en: 'Skip to content', zh: '跳到正文' },
  courseOutline: { en: 'Course outline', zh: '课程目录' },
  onThisPage: { en: 'On this page', zh: '本页内容' },
  previous: { en: 'Previous', zh: '上一课' },
  next: { en: 'Next', zh: '下一课' },
  minutes: { en: 'min', zh: '分钟' },
  objectives: { en: 'You will learn to', zh: '学完这一课，你能' },
  prerequisites: { en: 'Before this lesson', zh: '先修' },
  markDone: { en: 'Mark lesson as done', zh: '标记本课已学完' },
  done: { en: 'Done', zh: '已学完' },
  progress: { en: 'lessons done', zh: '课已学完' },
  theme: { en: 'Theme', zh: '主题' },
  themeAuto: { en: 'Auto', zh: '跟随系统' },
  themeLight: { en: 'Light', zh: '浅色' },
  themeDark: { en: 'Dark', zh: '深色' },
  language: { en: 'Language', zh: '语言' },
  search: { en: 'Search', zh: '搜索' },
  searchPlaceholder: { en: 'Search both languages…', zh: '搜索全部课程（中英文）…' },
  searchUnavailable: {
    en: 'Search is built with the site (npm run build). It is not available in the dev server.',
    zh: '搜索索引在构建网站时生成（npm run build），开发服务器里暂不可用。',
  },
  menu: { en: 'Menu', zh: '菜单' },
  close: { en: 'Close', zh: '关闭' },
  showAnswer: { en: 'Show answer', zh: '查看答案' },
  exercise: { en: 'Exercise', zh: '练习' },
  quiz: { en: 'Check yourself', zh: '自测' },
  correct: { en: 'Correct.', zh: '答对了。' },
  incorrect: { en: 'Not quite.', zh: '不太对。' },
  note: { en: 'Note', zh: '注意' },
  tip: { en: 'Tip', zh: '提示' },
  warning: { en: 'Warning', zh: '警告' },
  misconception: { en: 'Common misconception', zh: '常见误区' },
  sources: { en: 'Sources', zh: '参考资料' },
  figure: { en: 'Figure', zh: '图' },
  labPending: {
    en: 'Interactive lab “{name}” — it mounts here when this lesson’s lab is built. Until then the text and figures above cover the same ground.',
    zh: '互动实验“{name}”会出现在这里（正在制作中）。在此之前，上面的文字和图已经讲了同样的内容。',
  },
  lessons: { en: 'Lessons', zh: '课程' },
  start: { en: 'Start the course', zh: '开始学习' },
  lesson: { en: 'Lesson', zh: '第' },
  lessonSuffix: { en: '', zh: '课' },
  glossary: { en: 'Glossary', zh: '术语表' },
  present: { en: 'Present', zh: '演示模式' },
} satisfies Record<string, Record<Lang, string>>;

export type UiKey = keyof typeof strings;

export function ui(lang: Lang, key: UiKey, vars: Record<string, string> = {}): string {
  return strings[key][lang].replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? `{${k}}`);
}

/** "Lesson 3" / "第 3 课". */
export const lessonLabel = (lang: Lang, n: number) =>
  lang === 'zh' ? `第 ${n} 课` : `Lesson ${n}`;
