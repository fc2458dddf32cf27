import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { z } from 'astro/zod';

/** Front matter of one lesson file, lessons/<lang>/NN-slug.mdx. A wrong field fails the build. */
export const lessonSchema = z.object({
  title: z.string().min(1),
  summary: z.string().min(1),
  order: z.number().int().positive(),
  duration: z.number().int().positive().describe('minutes, for readers and for the presenter pacing'),
  objectives: z.array(z.string().min(1)).min(1),
  prerequisites: z.array(z.string()).default([]),
});

export type LessonData = z.infer<typeof lessonSchema>;

const lessons = defineCollection({
  loader: glob({ pattern: '*/*.mdx', base: './lessons' }),
  schema: lessonSchema,
});

export const collections = { lessons };
