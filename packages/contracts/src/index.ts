export { defineEvent } from './define';
export type { EventContract, EventData } from './define';
export { buildEvent, parseEvent } from './envelope';
export type { CloudEvent, BuildOptions, ParseResult } from './envelope';
export * from './events';
export * from './http';
export * from './order-api';
export * from './user-api';
export { httpApis } from './apis';
