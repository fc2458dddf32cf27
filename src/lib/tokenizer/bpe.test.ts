import { expect, test } from 'vitest';
import { BytePairEncoder, splitWords } from './bpe';
import { loadClipVocab } from './vocab';

const words = (s: string) => splitWords(s).map((w) => w.word);

test("CLIP's word pattern", () => {
  // contractions split off, case-insensitively as upstream compiles it
  expect(words("don't it's we've they're i'm you'll he'd")).toEqual(
    ['don', "'t", 'it', "'s", 'we', "'ve", 'they', "'re", 'i', "'m", 'you', "'ll", 'he', "'d"],
  );
  expect(words("IT'S")).toEqual(['IT', "'S"]);
  // digits one by one, letter runs, punctuation runs
  expect(words('3.14159')).toEqual(['3', '.', '1', '4', '1', '5', '9']);
  expect(words('what?!?! no...')).toEqual(['what', '?!?!', 'no', '...']);
  expect(words('1girl, 2boys')).toEqual(['1', 'girl', ',', '2', 'boys']);
  // letters of any script; emoji are "punctuation" (neither letter nor number)
  expect(words('一只猫 café 😀😀')).toEqual(['一只猫', 'café', '😀😀']);
  expect(words('<|startoftext|>a<|endoftext|>')).toEqual(['<|startoftext|>', 'a', '<|endoftext|>']);
  // positions
  expect(splitWords('ab, c')).toEqual([
    { word: 'ab', start: 0, end: 2 },
    { word: ',', start: 2, end: 3 },
    { word: 'c', start: 4, end: 5 },
  ]);
});

test('BPE on ids: single bytes end in </w>, merges follow rank order', async () => {
  const vocab = await loadClipVocab();
  const bpe = new BytePairEncoder(vocab);
  const tokens = (w: string) => bpe.encodeWord(w).map((id) => vocab.tokens[id]);
  expect(tokens('a')).toEqual(['a</w>']);
  expect(tokens(',')).toEqual([',</w>']);
  expect(tokens('dreamshaper')).toEqual(['dream', 'shap', 'er</w>']);
  expect(tokens('toonyou')).toEqual(['toon', 'you</w>']);
  // repeated pairs merge left to right without overlapping
  expect(tokens('aaaaaaa').join('')).toBe('aaaaaaa</w>');
  // cache returns the same answer
  expect(tokens('dreamshaper')).toEqual(['dream', 'shap', 'er</w>']);
});
