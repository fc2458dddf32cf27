// Every component a lesson may use without importing it: the lesson components here and every
// figure component in src/components/figures (by file name).
import Figure from './Figure.astro';
import Aside from './Aside.astro';
import Exercise from './Exercise.astro';
import Answer from './Answer.astro';
import Quiz from './Quiz.astro';
import Choice from './Choice.astro';
import Lab from './Lab.astro';
import Term from './Term.astro';
import Cite from './Cite.astro';
import SourceList from './SourceList.astro';
import Notes from './Notes.astro';
import SlideBreak from './SlideBreak.astro';
import Step from './Step.astro';

const figureModules = import.meta.glob<{ default: unknown }>('../figures/*.astro', { eager: true });
const figures = Object.fromEntries(
  Object.entries(figureModules).map(([path, mod]) => [path.split('/').pop()!.replace(/\.astro$/, ''), mod.default]),
);

export const lessonComponents = {
  ...figures,
  Figure, Aside, Exercise, Answer, Quiz, Choice, Lab, Term, Cite, SourceList, Notes,
  SlideBreak, Step,
};
