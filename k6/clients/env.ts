// The one place a scenario reads k6's __ENV (lib/env.ts names the variables), and the profiles it selects.
import { readEnv } from '../lib/env.ts';
import { profilesFor } from '../lib/profiles.ts';

export const env = readEnv(__ENV);
export const profiles = profilesFor(env.SHORT);
