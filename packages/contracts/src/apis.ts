// Every declared HTTP API: one per public service of services/catalog.json (a unit test holds the two lists equal).
import { consoleApi } from './console-api';
import type { HttpApi } from './http';
import { orderApi } from './order-api';
import { userApi } from './user-api';

export const httpApis: readonly HttpApi[] = [orderApi, userApi, consoleApi];
