export * from './duration.ts';
export * from './labels.ts';
export * from './matcher.ts';
export * from './sample.ts';
export * from './snappy-block.ts';
