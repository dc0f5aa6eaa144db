// order's entry point: config -> deps -> createApp -> listen.
import { connectDapr, createLogger, runService } from '@lab/kit';
import { createApp } from './app';
import { loadConfig } from './config';

const config = loadConfig(process.env);
const log = createLogger(config.service, config.logLevel);
const app = createApp({ config, log, dapr: connectDapr(config) });
runService({ app, host: config.host, port: config.port, log }).catch(err => {
  log.fatal({ err }, 'cannot start');
  process.exit(1);
});
