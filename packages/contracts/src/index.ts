export { defineEvent } from './define';
export type { EventContract, EventData } from './define';
export {
  addressed,
  announcedAgain,
  audienceOf,
  buildEvent,
  FIRST_ANNOUNCEMENT_MS,
  isAddressedTo,
  parseEvent,
} from './envelope';
export type { CloudEvent, BuildOptions, ParseResult } from './envelope';
export * from './events';
export * from './http';
export * from './order-http';
export * from './order-api';
export * from './user-api';
export * from './console-api';
export { httpApis } from './apis';
