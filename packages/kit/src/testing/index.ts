// "@lab/kit/testing": what services' unit tests share, kept out of kit's main entry (nothing deployed imports it).
export { memoryDapr, MemoryBus, MemoryState, MemoryInvoker } from './memory';
export type { Published, Route } from './memory';
export { deliver, deliverBulk, deliverPublished } from './deliver';
export { racingStore } from './racing';
export type { DeliverOptions, TestServer } from './deliver';
export { silentLogger } from '../logger';
export { declaredAnswers } from './declared';
export type { DeclaredAnswers } from './declared';
