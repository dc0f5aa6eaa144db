// console's entry point.
import { startService } from '@lab/kit';
import { createApp } from './app';
import { loadConfig } from './config';

startService(loadConfig, createApp);
