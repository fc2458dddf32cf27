// The static paths shared by …/present/, …/presenter/ and …/handout/: one per lesson and
// language, exactly like the lesson route itself ([lesson].astro).
import { getCollection } from 'astro:content';
import { checkBothLanguages, lessonsIn, splitId, type LessonEntry } from '../../../lib/course/lessons';

export async function lessonPaths() {
  const all = await getCollection('lessons');
  checkBothLanguages(all);
  return all.map((entry) => {
    const { lang, slug } = splitId(entry.id);
    return { params: { lang, lesson: slug }, props: { entry, lessons: lessonsIn(all, lang) } };
  });
}

export interface PresentProps { entry: LessonEntry; lessons: LessonEntry[] }
