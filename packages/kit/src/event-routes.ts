// Where daprd delivers a topic's events on the app channel: POST /events/<topic>. Written once here and read by the
// subscriptions (the routes and the subscribe list), the guard (only the sidecar's token opens them) and the fault
// knobs (dropRate acknowledges deliveries unhandled).

/** The first path segment of every delivery route. */
export const EVENTS_SEGMENT = 'events';

/** The route daprd posts a topic's events to. */
export const eventRoute = (topic: string) => `/${EVENTS_SEGMENT}/${topic}`;

/** Whether a (normalised) path is a delivery route. */
export const isEventRoute = (path: string) => path.startsWith(`/${EVENTS_SEGMENT}/`);

/** The topic of a delivery route (`/events/order-created` -> `order-created`), or undefined for any other path. */
export const topicOfEventRoute = (path: string): string | undefined =>
  new RegExp(`^/${EVENTS_SEGMENT}/([a-z0-9-]+)$`).exec(path)?.[1];
