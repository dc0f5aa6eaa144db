// k6's console (a global in every k6 context): @types/k6 declares __ENV, __VU, __ITER and open, not console, and
// without the DOM library TypeScript knows no console at all.
declare global {
  var console: {
    log(...args: unknown[]): void;
    info(...args: unknown[]): void;
    warn(...args: unknown[]): void;
    error(...args: unknown[]): void;
    debug(...args: unknown[]): void;
  };
}

export {};
