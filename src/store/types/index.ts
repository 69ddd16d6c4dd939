export { HashValue } from './hash-value.js';
export { ListValue } from './list-value.js';
export { SetValue } from './set-value.js';
export { SortedSetValue } from './sorted-set-value.js';
export { SkipList, SkipNode } from './skip-list.js';
export type { LexBound, LexRange, ScoreRange } from './ranges.js';
