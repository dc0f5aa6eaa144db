// What order's parts are given: the kit's dependencies with order's config (apart from app.ts, so the parts that
// createApp wires never import it back).
import type { AppDeps } from '@lab/kit';
import type { Config } from './config';

export type Deps = AppDeps<Config>;
