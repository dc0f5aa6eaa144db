// End-to-end tests start real processes: give them room; every wait inside has its own deadline.
jest.setTimeout(180_000);
