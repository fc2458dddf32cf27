/** IP-Adapter controls as pure functions (ComfyUI_IPAdapter_plus v2 semantics). */
export * from './weightTypes';
export * from './layerWeightsString';
export * from './startEnd';
export * from './attentionMask';
export * from './combineEmbeds';
export * from './embedsScaling';
export * from './negativeNoise';
