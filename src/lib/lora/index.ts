/** LoRA files: parse (kohya, diffusers/PEFT layouts), match to the model's layers, apply merged or as a side branch. */
export * from './errors';
export * from './parse';
export * from './keymap';
export * from './apply';
export * from './sideBranch';
