export { defineEvent } from './define';
export type { EventContract, EventData } from './define';
export { buildEvent, parseEvent } from './envelope';
export type { CloudEvent, BuildOptions, ParseResult } from './envelope';
export * from './events';
