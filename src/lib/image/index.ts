/** Image intake and CLIP preprocessing (pure TypeScript on typed arrays; decode.ts needs a browser). */
export * from './types';
export * from './errors';
export * from './resample';
export * from './clipPreprocess';
export * from './prepForClipVision';
export * from './composite';
export * from './sniff';
export * from './mask';
export * from './decode';
